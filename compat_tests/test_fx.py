"""torch.fx differential tests: PyTorch's fx tutorial programs run under real torch and under torchlike and
print the same (generated code may differ only in module paths); node lists of a few models agree."""
from __future__ import annotations

import contextlib
import copy
import io
import pickle
import re

import pytest
import torch as TH

import torchlike as TL


def _norm(s):
    s = re.sub(r"<built-in method (\w+) of type object at 0x[0-9a-f]+>", r"<fn \1>", s)
    s = re.sub(r"<function (\w+) at 0x[0-9a-f]+>", r"<fn \1>", s)
    s = s.replace("torch._C._nn.", "torch.nn.functional.")
    return re.sub(r"\s+\n", "\n", s)      # tabulate pads differently-sized target columns


def both(prog):
    outs = []
    for lib in (TH, TL):
        lib.manual_seed(0)
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            prog(lib)
        outs.append(_norm(buf.getvalue()))
    assert outs[0] == outs[1], "\n--- torch ---\n" + outs[0] + "\n--- torchlike ---\n" + outs[1]
    assert outs[0].strip()
    return outs[1]


# --- tutorial: invert a model (fx docs, "Invert Transformation") ---------------------------------------------

def test_invert_model():
    def prog(torch):
        fx = torch.fx
        invert_mapping = {torch.exp: torch.log, torch.log: torch.exp, torch.tan: torch.atan,
                          torch.atan: torch.tan, torch.neg: torch.neg}

        def invert(model):
            fx_model = fx.symbolic_trace(model)
            new_graph = fx.Graph()
            env = {}
            for node in reversed(fx_model.graph.nodes):
                if node.op == "call_function":
                    new_node = new_graph.call_function(invert_mapping[node.target], (env[node.name],))
                    env[node.args[0].name] = new_node
                elif node.op == "output":
                    new_node = new_graph.placeholder(node.name)
                    env[node.args[0].name] = new_node
                elif node.op == "placeholder":
                    new_graph.output(env[node.name])
                else:
                    raise NotImplementedError
            return fx.GraphModule(fx_model, new_graph)

        def f(x):
            return torch.exp(torch.tan(torch.neg(x)))
        inv = invert(f)
        print(inv.code)
        print(inv.graph)
        x = torch.linspace(-0.5, 0.5, 7)
        print(torch.allclose(inv(f(x)), x, atol=1e-5))
    both(prog)


# --- tutorial: replace one op by another, insert nodes, dead code ------------------------------------------------

def test_replace_op_and_insert():
    def prog(torch):
        fx = torch.fx

        class M(torch.nn.Module):
            def forward(self, x, y):
                return torch.add(x, y), x + y, torch.neg(x)

        traced = fx.symbolic_trace(M())
        for node in traced.graph.nodes:
            if node.op == "call_function" and node.target == torch.add:
                node.target = torch.mul
        traced.recompile()
        print(traced.code)
        # insert a relu after each operator.add, then drop the unused neg
        import operator
        for node in traced.graph.nodes:
            if node.op == "call_function" and node.target is operator.add:
                with traced.graph.inserting_after(node):
                    new = traced.graph.call_function(torch.relu, args=(node,))
                    node.replace_all_uses_with(new)
                    new.update_arg(0, node)
        out = [n for n in traced.graph.nodes if n.op == "output"][0]
        out.args = (out.args[0][:2],)
        print(traced.graph.eliminate_dead_code())
        traced.graph.lint()
        traced.recompile()
        print(traced.code)
        print(traced.graph)
        x, y = torch.randn(3), torch.randn(3)
        r = traced(x, y)
        print(torch.allclose(r[0], x * y), torch.allclose(r[1], torch.relu(x + y)))
        for n in traced.graph.nodes:
            print(n.op, n.name, list(n.users), n.all_input_nodes)
    both(prog)


# --- tutorial: a profiling Interpreter -------------------------------------------------------------------------

def test_profiling_interpreter():
    def prog(torch):
        fx = torch.fx

        class ProfilingInterpreter(fx.Interpreter):
            def __init__(self, mod):
                gm = fx.symbolic_trace(mod)
                super().__init__(gm)
                self.runs = []

            def run(self, *args):
                self.total = 0
                return super().run(*args)

            def run_node(self, n):
                r = super().run_node(n)
                self.runs.append((n.op, n.name, type(r).__name__))
                return r

            def call_function(self, target, args, kwargs):
                self.total += 1
                return super().call_function(target, args, kwargs)

        model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
        interp = ProfilingInterpreter(model)
        x = torch.randn(5, 4)
        out = interp.run(x)
        print(torch.allclose(out, model(x)), interp.total)
        for r in interp.runs:
            print(*r)
        print(interp.module.code)
        try:
            fx.Interpreter(interp.module).run()
        except RuntimeError as e:
            print(type(e).__name__, str(e).split("\n")[0])
    both(prog)


# --- tutorial: subgraph rewriting --------------------------------------------------------------------------------

def test_replace_pattern():
    def prog(torch):
        fx = torch.fx

        class M(torch.nn.Module):
            def forward(self, x, w1, w2):
                m1 = torch.cat([w1, w2]).sum()
                m2 = torch.cat([w1, w2]).sum()
                return x + torch.max(m1) + torch.max(m2)

        def pattern(w1, w2):
            return torch.cat([w1, w2]).sum()

        def replacement(w1, w2):
            return torch.stack([w1, w2])

        traced = fx.symbolic_trace(M())
        matches = fx.subgraph_rewriter.replace_pattern(traced, pattern, replacement)
        print(len(matches), [m.anchor.name for m in matches])
        print(traced.code)
        x, w1, w2 = torch.randn(2), torch.randn(2), torch.randn(2)
        print(torch.allclose(traced(x, w1, w2), x + torch.max(torch.stack([w1, w2])) * 2))

        def f(a, b):
            return torch.relu(a + b) * torch.sigmoid(a + b)

        def pat(a, b):
            return torch.relu(a + b)

        def rep(a, b):
            return torch.clamp(a + b, min=0.0)
        g = fx.symbolic_trace(f)
        print(len(fx.replace_pattern(g, pat, rep)))
        print(g.code)
    both(prog)


# --- tutorial: a custom Tracer with is_leaf_module --------------------------------------------------------------

def test_custom_tracer():
    def prog(torch):
        fx = torch.fx

        class Block(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = torch.nn.Linear(3, 3)

            def forward(self, x):
                return torch.relu(self.lin(x)) + x

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.b1 = Block()
                self.b2 = Block()
                self.scale = torch.nn.Parameter(torch.ones(3))

            def forward(self, x):
                return self.b2(self.b1(x)) * self.scale

        class BlockLeaf(fx.Tracer):
            def is_leaf_module(self, m, qualname):
                return isinstance(m, Block) or super().is_leaf_module(m, qualname)

        net = Net()
        for tracer in (fx.Tracer(), BlockLeaf()):
            graph = tracer.trace(net)
            gm = fx.GraphModule(tracer.root, graph, "Net")
            print(gm.graph)
            gm.print_readable()
            x = torch.randn(2, 3)
            print(torch.allclose(gm(x), net(x)))
            print(sorted(n for n, _ in gm.named_modules()))
    both(prog)


# --- ShapeProp ---------------------------------------------------------------------------------------------------

def test_shape_prop():
    def prog(torch):
        ShapeProp = torch.fx.passes.shape_prop.ShapeProp

        class M(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
                self.fc = torch.nn.Linear(4 * 8 * 8, 10)

            def forward(self, x):
                y = torch.relu(self.conv(x))
                return self.fc(y.flatten(1)).to(torch.float64), y.size(1)

        gm = torch.fx.symbolic_trace(M())
        ShapeProp(gm).propagate(torch.randn(2, 3, 8, 8))
        for n in gm.graph.nodes:
            tm = n.meta.get("tensor_meta")
            print(n.name, n.meta["type"].__name__, tm)
    both(prog)


# --- conv-bn fusion by graph rewriting (fx fusion tutorial) --------------------------------------------------

def test_conv_bn_fusion():
    def prog(torch):
        fx = torch.fx
        nn = torch.nn

        def fuse_conv_bn_eval(conv, bn):
            fused = copy.deepcopy(conv)
            w, b = conv.weight, conv.bias if conv.bias is not None else torch.zeros(conv.out_channels)
            var_rsqrt = torch.rsqrt(bn.running_var + bn.eps)
            fused.weight = nn.Parameter(w * (bn.weight * var_rsqrt).reshape(-1, 1, 1, 1))
            fused.bias = nn.Parameter((b - bn.running_mean) * var_rsqrt * bn.weight + bn.bias)
            return fused

        def replace_node_module(node, modules, new_module):
            *parent, name = node.target.rsplit(".", 1)
            parent_mod = modules[parent[0]] if parent else modules[""]
            modules[node.target] = new_module
            setattr(parent_mod, name, new_module)

        def fuse(model):
            model = copy.deepcopy(model)
            fx_model = fx.symbolic_trace(model)
            modules = dict(fx_model.named_modules())
            for node in fx_model.graph.nodes:
                if node.op != "call_module":
                    continue
                if type(modules[node.target]) is nn.BatchNorm2d and \
                        isinstance(node.args[0], fx.Node) and node.args[0].op == "call_module" and \
                        type(modules[node.args[0].target]) is nn.Conv2d:
                    if len(node.args[0].users) > 1:
                        continue
                    conv = modules[node.args[0].target]
                    bn = modules[node.target]
                    replace_node_module(node.args[0], modules, fuse_conv_bn_eval(conv, bn))
                    node.replace_all_uses_with(node.args[0])
                    fx_model.graph.erase_node(node)
            fx_model.graph.lint()
            fx_model.delete_all_unused_submodules()
            fx_model.recompile()
            return fx_model

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.layer = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
                self.conv2 = nn.Conv2d(4, 4, 1, bias=False)
                self.bn2 = nn.BatchNorm2d(4)

            def forward(self, x):
                return self.bn2(self.conv2(self.layer(x)))

        net = Net()
        with torch.no_grad():
            for bn in (net.layer[1], net.bn2):
                bn.running_mean.uniform_(-0.5, 0.5)
                bn.running_var.uniform_(0.5, 1.5)
                bn.weight.uniform_(0.5, 1.5)
        net.eval()
        fused = fuse(net)
        print(fused.code)
        print(fused)
        x = torch.randn(2, 3, 8, 8)
        print(torch.allclose(fused(x), net(x), atol=1e-5))
    both(prog)


# --- node lists of a few models ----------------------------------------------------------------------------------

def _node_list(torch, make):
    torch.manual_seed(0)
    gm = torch.fx.symbolic_trace(make(torch))

    def name(t):
        return t if isinstance(t, str) else getattr(t, "__name__", str(t))
    return [(n.op, n.name, name(n.target), str(n.args), str(n.kwargs)) for n in gm.graph.nodes], gm


def _mlp(torch):
    nn = torch.nn
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.1), nn.Linear(8, 3), nn.Softmax(dim=1))


def _resblock(torch):
    nn, F = torch.nn, torch.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(4, 4, 3, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(4)
            self.conv2 = nn.Conv2d(4, 4, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(4)

        def forward(self, x):
            out = F.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            out += x
            return F.relu(out)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 4, 3, padding=1)
            self.layer1 = nn.Sequential(Block(), Block())
            self.pool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(4, 5)

        def forward(self, x):
            x = self.layer1(torch.relu(self.stem(x)))
            return self.fc(torch.flatten(self.pool(x), 1))
    return Net()


def _methods(torch):
    class M(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.randn(6, 2))
            self.register_buffer("shift", torch.zeros(2))

        def forward(self, x):
            b = x.size(0)
            y = x.view(b, -1).flatten(1) @ self.w
            y = y.transpose(0, 1).contiguous().permute(1, 0) - self.shift
            z = y.reshape(b, 2, 1).squeeze(-1).unsqueeze(0)
            return z.sum(dim=-1, keepdim=True).mean(), y.shape, y[:, 0], y.T, -y, 2 ** y, y.clamp(min=0).max(1)
    return M()


@pytest.mark.parametrize("make", [_mlp, _resblock, _methods])
def test_node_lists(make):
    a, gm_th = _node_list(TH, make)
    b, gm_tl = _node_list(TL, make)
    assert a == b
    assert _norm(gm_th.code) == _norm(gm_tl.code)
    assert _norm(str(gm_th.graph)) == _norm(str(gm_tl.graph))
    # a traced GraphModule computes what the module computes, also under torch.compile as one program
    shape = (2, 3, 6, 6) if make is _resblock else ((2, 3, 2) if make is _methods else (2, 4))
    TL.manual_seed(1)
    x = TL.randn(*shape)
    mod = make(TL)
    mod.load_state_dict(gm_tl.state_dict(), strict=False)
    gm = TL.fx.symbolic_trace(mod.eval())
    ref = mod(x)
    flat = lambda r: [t for t in (r if isinstance(r, tuple) else (r,)) if isinstance(t, TL.Tensor)]  # noqa: E731
    for r, e in zip(flat(gm(x)), flat(ref)):
        assert TL.allclose(r, e, atol=1e-6)
    for r, e in zip(flat(TL.compile(gm)(x)), flat(ref)):
        assert TL.allclose(r, e, atol=1e-5)


# --- errors, pickling, copies, wrap ------------------------------------------------------------------------------

def test_trace_errors():
    def prog(torch):
        fx = torch.fx

        def loop(x):
            return [i for i in x]

        def ctrl(x):
            if x.sum() > 0:
                return x
            return -x

        def ln(x):
            return len(x)
        for f in (loop, ctrl, ln):
            try:
                fx.symbolic_trace(f)
            except Exception as e:
                print(type(e).__name__, e)

        def unpack(x):
            a, b = x
            return a * b
        print(fx.symbolic_trace(unpack).code)
        g = fx.Graph()
        x = g.placeholder("x")
        r = g.call_function(torch.relu, (x,))
        g.output(r)
        try:
            g.erase_node(x)
        except RuntimeError as e:
            print(e)
        p = fx.Proxy(x)
        print(p, type(torch.sigmoid(p)).__name__, torch.sigmoid(p).node.target is torch.sigmoid)
    both(prog)


def test_pickle_deepcopy_and_submodules():
    def prog(torch):
        fx = torch.fx

        class M(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = torch.nn.Linear(3, 2)

            def forward(self, x):
                return torch.sigmoid(self.lin(x)).sum(1)

        m = M()
        gm = fx.symbolic_trace(m)
        x = torch.randn(4, 3)
        gm2 = pickle.loads(pickle.dumps(gm))
        gm3 = copy.deepcopy(gm)
        print(type(gm2).__name__, type(gm3).__name__, gm2.code == gm.code, gm3.graph is not gm.graph)
        print(torch.allclose(gm2(x), m(x)), torch.allclose(gm3(x), m(x)))
        print(gm.add_submodule("extra.act", torch.nn.Tanh()), gm.delete_submodule("extra.act"),
              gm.delete_submodule("nope"))
        node = [n for n in gm.graph.nodes if n.op == "call_module"][0]
        with gm.graph.inserting_after(node):
            gm.add_submodule("act", torch.nn.Tanh())
            new = gm.graph.call_module("act", (node,))
        node.replace_all_uses_with(new, delete_user_cb=lambda u: u is not new)
        gm.recompile()
        print(gm.code)
        print(torch.allclose(gm(x), torch.sigmoid(torch.tanh(m.lin(x))).sum(1)))
    both(prog)


def test_transformer():
    def prog(torch):
        fx = torch.fx

        class NegSigmSwap(fx.Transformer):
            def call_function(self, target, args, kwargs):
                if target == torch.sigmoid:
                    return torch.neg(*args, **kwargs)
                return super().call_function(target, args, kwargs)

            def call_method(self, target, args, kwargs):
                if target == "neg":
                    call_self, *rest = args
                    return call_self.sigmoid(*rest, **kwargs)
                return super().call_method(target, args, kwargs)

        def fn(x):
            return torch.sigmoid(x).neg()
        gm = fx.symbolic_trace(fn)
        t = NegSigmSwap(gm).transform()
        print(t.code)
        x = torch.randn(3)
        print(torch.allclose(t(x), torch.neg(x).sigmoid()))
    both(prog)
