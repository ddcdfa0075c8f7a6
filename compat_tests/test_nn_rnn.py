"""nn.RNN / nn.LSTM / nn.GRU and the cells against PyTorch: outputs and gradients (input, initial states and every
parameter) over the option grid, packed sequences, dropout masks, default initialisation, reprs and errors."""
import itertools

import numpy as np
import pytest
import torch as TH

from _harness import check, make, sample

import torchlike as TL

SPECS = {  # name -> (class, extra constructor kwargs)
    "tanh": ("RNN", {}), "relu": ("RNN", {"nonlinearity": "relu"}), "lstm": ("LSTM", {}),
    "proj": ("LSTM", {"proj_size": 3}), "gru": ("GRU", {}),
}
IN, HID, T, B = 3, 5, 4, 2
pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")


def _weights(cls, kw, dtype):
    """The parameters of a freshly initialised torch module, as NumPy arrays (same values for both libraries)."""
    TH.manual_seed(7)
    m = getattr(TH.nn, cls)(IN, HID, **kw).to(getattr(TH, dtype))
    return {k: v.detach().numpy().copy() for k, v in m.state_dict().items()}


def _module(lib, cls, kw, dtype, weights):
    m = getattr(lib.nn, cls)(IN, HID, **kw).to(getattr(lib, dtype))
    m.load_state_dict({k: lib.tensor(v) for k, v in weights.items()})
    return m


def _run(lib, spec, dtype, layers, bidir, batch_first, unbatched, with_h, train=False):
    """Forward + gradients of a weighted sum of every output w.r.t. input, initial states and parameters."""
    cls, extra = SPECS[spec]
    kw = dict(extra, num_layers=layers, bidirectional=bidir, batch_first=batch_first)
    m = _module(lib, cls, kw, dtype, _weights(cls, kw, dtype))
    m.train(train)
    shape = (T, IN) if unbatched else ((B, T, IN) if batch_first else (T, B, IN))
    x = make(lib, sample(shape, seed=1, low=-1, high=1), dtype, requires_grad=True)
    nd = 2 if bidir else 1
    hsize = extra.get("proj_size", HID)
    lead = (layers * nd,) if unbatched else (layers * nd, B)
    leaves = [x]
    hx = None
    if with_h:
        h0 = make(lib, sample(lead + (hsize,), seed=2, low=-1, high=1), dtype, requires_grad=True)
        leaves.append(h0)
        hx = h0
        if cls == "LSTM":
            c0 = make(lib, sample(lead + (HID,), seed=3, low=-1, high=1), dtype, requires_grad=True)
            leaves.append(c0)
            hx = (h0, c0)
    out, hn = m(x, hx)
    outs = [out] + (list(hn) if isinstance(hn, tuple) else [hn])
    total = sum((o * make(lib, np.linspace(-1, 1.5, o.numel()).reshape(tuple(o.shape)), dtype)).sum() for o in outs)
    params = list(m.parameters())
    grads = lib.autograd.grad(total, leaves + params)
    return outs, grads, [n for n, _ in m.named_parameters()]


def _check_run(*args, **kw):
    check(lambda lib: _run(lib, *args, **kw), rtol=2e-5, atol=2e-6)


# a small covering set of the option grid for the fast tier; the full grid is `slow`
FAST = [("tanh", "float32", 1, False, False, False, False), ("relu", "float32", 2, True, True, False, True),
        ("lstm", "float32", 2, True, False, True, True), ("lstm", "float64", 1, False, True, False, False),
        ("proj", "float32", 2, True, True, False, True), ("gru", "float32", 2, True, False, False, True),
        ("gru", "float64", 1, False, True, True, True)]


@pytest.mark.parametrize("spec,dtype,layers,bidir,batch_first,unbatched,with_h", FAST)
def test_forward_backward(spec, dtype, layers, bidir, batch_first, unbatched, with_h):
    _check_run(spec, dtype, layers, bidir, batch_first, unbatched, with_h)


GRID = [pytest.param(*c, marks=pytest.mark.slow) for c in
        itertools.product(SPECS, ["float32", "float64"], [1, 2], [False, True], [False, True], [False, True],
                          [False, True]) if c not in FAST]


@pytest.mark.parametrize("spec,dtype,layers,bidir,batch_first,unbatched,with_h", GRID)
def test_full_grid(spec, dtype, layers, bidir, batch_first, unbatched, with_h):
    _check_run(spec, dtype, layers, bidir, batch_first, unbatched, with_h)


def test_eval_mode_ignores_dropout():
    def fn(lib):
        cls, kw = "GRU", dict(num_layers=2, dropout=0.5)
        m = _module(lib, cls, kw, "float32", _weights(cls, kw, "float32")).eval()
        return m(make(lib, sample((T, B, IN), seed=1), "float32"))
    check(fn, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("spec,batch_first", [("lstm", False), pytest.param("gru", True, marks=pytest.mark.slow),
                                               pytest.param("tanh", False, marks=pytest.mark.slow)])
def test_dropout_between_layers_matches_torch_masks(spec, batch_first):
    def fn(lib):
        cls, extra = SPECS[spec]
        kw = dict(extra, num_layers=3, dropout=0.4, bidirectional=True, batch_first=batch_first)
        m = _module(lib, cls, kw, "float64", _weights(cls, kw, "float64"))
        x = make(lib, sample((B, T, IN) if batch_first else (T, B, IN), seed=1), "float64", requires_grad=True)
        lib.manual_seed(3)
        out, hn = m(x)
        hn = hn[0] if isinstance(hn, tuple) else hn
        g = lib.autograd.grad((out * out).sum() + hn.sum(), [x, m.weight_ih_l0])
        return out, hn, g, lib.rand(2)     # the generator advanced by the same amount
    check(fn)


# --- packed sequences ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("spec,enforce_sorted,with_h", [
    ("lstm", False, True), ("gru", True, False), pytest.param("proj", False, False, marks=pytest.mark.slow),
    pytest.param("relu", False, True, marks=pytest.mark.slow)])
def test_packed_sequence(spec, enforce_sorted, with_h):
    lengths = [4, 3, 1] if enforce_sorted else [2, 4, 1]

    def fn(lib):
        cls, extra = SPECS[spec]
        kw = dict(extra, num_layers=2, bidirectional=True, batch_first=True)
        m = _module(lib, cls, kw, "float64", _weights(cls, kw, "float64"))
        x = make(lib, sample((3, 4, IN), seed=1), "float64", requires_grad=True)
        packed = lib.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=enforce_sorted)
        hx, leaves = None, [x]
        if with_h:
            h0 = make(lib, sample((4, 3, extra.get("proj_size", HID)), seed=2), "float64", requires_grad=True)
            hx, leaves = h0, [x, h0]
            if cls == "LSTM":
                c0 = make(lib, sample((4, 3, HID), seed=3), "float64", requires_grad=True)
                hx, leaves = (h0, c0), [x, h0, c0]
        out, hn = m(packed, hx)
        assert type(out).__name__ == "PackedSequence"
        padded, lens = lib.nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        hs = list(hn) if isinstance(hn, tuple) else [hn]
        total = (padded * padded).sum() + sum((h * h).sum() for h in hs)
        return (padded, lens, out.batch_sizes, hs,
                lib.autograd.grad(total, leaves + list(m.parameters())))
    check(fn)


# --- cells -----------------------------------------------------------------------------------------------------

CELLS = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}), ("GRUCell", {}),
         ("GRUCell", {"bias": False})]


@pytest.mark.parametrize("cls,kw,unbatched,with_h", [
    pytest.param(c, k, u, h, marks=[pytest.mark.slow] if (i + j) % 3 else [])
    for i, (c, k) in enumerate(CELLS) for j, (u, h) in enumerate([(False, True), (True, False), (True, True)])])
def test_cells(cls, kw, unbatched, with_h):
    TH.manual_seed(5)
    weights = {k: v.detach().numpy() for k, v in getattr(TH.nn, cls)(IN, HID, **kw).state_dict().items()}

    def fn(lib):
        m = getattr(lib.nn, cls)(IN, HID, **kw)
        m.load_state_dict({k: lib.tensor(v) for k, v in weights.items()})
        lead = () if unbatched else (B,)
        x = make(lib, sample(lead + (IN,), seed=1, low=-1, high=1), "float32", requires_grad=True)
        leaves, hx = [x], None
        if with_h:
            hs = [make(lib, sample(lead + (HID,), seed=2 + i, low=-1, high=1), "float32", requires_grad=True)
                  for i in range(2 if cls == "LSTMCell" else 1)]
            leaves += hs
            hx = tuple(hs) if cls == "LSTMCell" else hs[0]
        out = m(x, hx)
        outs = list(out) if isinstance(out, tuple) else [out]
        total = sum((o * make(lib, np.linspace(-1, 1, o.numel()).reshape(tuple(o.shape)), "float32")).sum()
                    for o in outs)
        return outs, lib.autograd.grad(total, leaves + list(m.parameters()))
    check(fn, rtol=2e-5, atol=2e-6)


def test_cell_functions_and_grad_fn_names():
    def fn(lib):
        x = make(lib, sample((2, 3), seed=1), "float64", requires_grad=True)
        h = make(lib, sample((2, 4), seed=2), "float64")
        w = [make(lib, sample((n * 4, k), seed=3 + n), "float64") for n, k in ((1, 3), (1, 4), (3, 3), (3, 4))]
        wl = [make(lib, sample((16, k), seed=9), "float64") for k in (3, 4)]
        b = make(lib, sample((4,), seed=10), "float64")
        r = [lib.rnn_tanh_cell(x, h, w[0], w[1], b, b), lib.rnn_relu_cell(x, h, w[0], w[1]),
             lib.gru_cell(x, h, w[2], w[3]), *lib.lstm_cell(x, (h, h), wl[0], wl[1])]
        return r, [type(t.grad_fn).__name__ for t in r[:4]]
    check(fn)


# --- initialisation, names, reprs ------------------------------------------------------------------------------

INIT = [("RNN", (4, 6), dict(num_layers=2, nonlinearity="relu")), ("LSTM", (4, 6), dict(proj_size=2, bidirectional=True,
                                                                                     num_layers=2)),
        ("GRU", (3, 5), dict(bias=False, bidirectional=True)), ("LSTM", (2, 3), {}), ("RNNCell", (3, 4), {}),
        ("LSTMCell", (3, 4), dict(bias=False)), ("GRUCell", (3, 4), {})]


@pytest.mark.parametrize("cls,args,kw", INIT)
def test_default_init_bit_identical(cls, args, kw):
    def fn(lib):
        lib.manual_seed(123)
        m = getattr(lib.nn, cls)(*args, **kw)
        return [(n, p.shape, p.requires_grad, p) for n, p in m.named_parameters()], repr(m), lib.rand(1)
    check(fn, rtol=0, atol=0)


def test_reprs_and_attributes():
    def fn(lib):
        nn = lib.nn
        ms = [nn.LSTM(10, 20, num_layers=2, batch_first=True), nn.RNN(3, 4, 2, "relu", False, True, 0.5, True),
              nn.GRU(3, 4, dropout=0.0, bidirectional=True), nn.LSTM(5, 4, proj_size=2), nn.RNN(2, 3),
              nn.RNNCell(3, 4, nonlinearity="relu"), nn.RNNCell(3, 4, bias=False), nn.LSTMCell(2, 3), nn.GRUCell(2, 3),
              nn.Sequential(nn.GRU(2, 3), nn.Linear(3, 1))]
        lstm = ms[0]
        return ([repr(m) for m in ms], lstm._flat_weights_names, [[tuple(p.shape) for p in ws] for ws in
                                                                    lstm.all_weights],
                lstm.mode, ms[1].mode, ms[1].nonlinearity, ms[2].mode, ms[1].dropout, list(lstm.state_dict()),
                lstm.flatten_parameters())
    with pytest.warns(UserWarning):
        TL.nn.GRU(2, 3, dropout=0.5)
    check(fn)


def test_dtype_and_to():
    def fn(lib):
        lib.manual_seed(0)
        m = lib.nn.GRU(2, 3).double()
        out, h = m(lib.ones(4, 1, 2, dtype=lib.float64))
        return out.dtype, h.dtype, m.weight_ih_l0.dtype, m._flat_weights[0].dtype
    check(fn)


# --- errors ----------------------------------------------------------------------------------------------------

def _err(fn):
    check(fn, message=True)


@pytest.mark.parametrize("case", range(21))
def test_errors(case):
    def fn(lib):
        nn = lib.nn
        x3, x2 = lib.zeros(4, 2, 3), lib.zeros(4, 3)
        return [
            lambda: nn.LSTM(3, 4)(lib.zeros(4, 3, 2, 1)),
            lambda: nn.RNN(3, 4)(lib.zeros(4)),
            lambda: nn.GRU(3, 4)(lib.zeros(4)),
            lambda: nn.LSTM(3, 4)(lib.zeros(4, 2, 5)),
            lambda: nn.RNN(3, 4)(x3, lib.zeros(1, 3, 4)),
            lambda: nn.LSTM(3, 4)(x3, (lib.zeros(1, 2, 4), lib.zeros(1, 2, 5))),
            lambda: nn.LSTM(3, 4)(x3, (lib.zeros(2, 4), lib.zeros(1, 2, 4))),
            lambda: nn.GRU(3, 4)(x2, lib.zeros(1, 1, 4)),
            lambda: nn.RNN(3, 4)(x3, lib.zeros(2, 4)),
            lambda: nn.LSTM(3, 4)(x3.double()),
            lambda: nn.RNN(3, 4, nonlinearity="gelu"),
            lambda: nn.GRU(3, 4, proj_size=2),
            lambda: nn.LSTM(3, 4, proj_size=4),
            lambda: nn.LSTM(3, 4, dropout=1.5),
            lambda: nn.LSTMCell(3, 4)(lib.zeros(2, 5)),
            lambda: nn.GRUCell(3, 4)(lib.zeros(2, 3), lib.zeros(3, 4)),
            lambda: nn.RNNCell(3, 4)(lib.zeros(2, 2, 3)),
            lambda: nn.GRU(3, 4)(lib.zeros(2, 1, 3), lib.zeros(1, 1, 4, dtype=lib.float64)),
            lambda: nn.GRU(3, 4).double()(lib.zeros(2, 1, 3, dtype=lib.float64), lib.zeros(1, 1, 4)),
            lambda: nn.GRUCell(3, 4)(lib.zeros(2, 3), lib.zeros(2, 4, dtype=lib.float64)),
            lambda: nn.LSTMCell(3, 4)(lib.zeros(2, 3), (lib.zeros(2, 4), lib.zeros(3, 4))),
        ][case]()
    _err(fn)


# --- nn.utils.rnn ------------------------------------------------------------------------------------------------

def test_pad_pack_utilities():
    def fn(lib):
        U = lib.nn.utils.rnn
        seqs = [make(lib, sample((n, 2), seed=n), "float32", requires_grad=True) for n in (2, 4, 3)]
        padded = U.pad_sequence(seqs)
        left = U.pad_sequence(seqs, batch_first=True, padding_value=-1.0, padding_side="left")
        packed = U.pack_sequence(seqs, enforce_sorted=False)
        back, lens = U.pad_packed_sequence(packed, batch_first=True, total_length=5)
        unpacked = U.unpack_sequence(packed)
        p2 = U.pack_padded_sequence(padded, lib.tensor([2, 4, 3]), enforce_sorted=False)
        sorted_p = U.pack_sequence(sorted(seqs, key=lambda s: -s.shape[0]))
        total = (back * back).sum() + left.sum() + sum(u.sum() for u in unpacked)
        return (padded, left, packed.data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices,
                back, lens, unpacked, p2.data, sorted_p.sorted_indices, type(packed).__name__, packed._fields,
                lib.autograd.grad(total, seqs))
    check(fn)


@pytest.mark.parametrize("case", range(3))
def test_pack_errors(case):
    def fn(lib):
        U = lib.nn.utils.rnn
        x = lib.zeros(4, 3, 2)
        return [lambda: U.pack_padded_sequence(x, [2, 4, 3]),
                lambda: U.pad_packed_sequence(U.pack_padded_sequence(x, [4, 3, 2]), total_length=2),
                lambda: U.pack_padded_sequence(x, [4, 3])][case]()
    check(fn, message=True)
