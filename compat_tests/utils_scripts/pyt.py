import sys, collections
import importlib; P = importlib.import_module(LIB + '.utils._pytree')
from collections import namedtuple, OrderedDict, defaultdict, deque
NT=namedtuple('NT','a b')
t={'x':[1,(2,3)],'y':NT(4,None),'z':OrderedDict(k=5),'d':defaultdict(list,{'q':6}),'e':deque([7,8],maxlen=3)}
l,s=P.tree_flatten(t)
print(l); print(repr(s)); print(s.num_leaves, s.num_nodes, s.type, s.context)
print(P.tree_unflatten(l,s))
print(P.tree_flatten_with_path(t)[0][:4])
print([P.keystr(k) for k,_ in P.tree_flatten_with_path(t)[0]])
print(P.tree_structure(3))
print(P.treespec_pprint(s))
print(P.tree_map(lambda x: x*2, [1,{'a':2}]), P.tree_map_only(int, lambda x:-x, [1,2.0,'s']))
print(P.tree_map(lambda a,b: a+b, [1,(2,)], [10,(20,)]))
print(P.tree_structure([1,2]) == P.tree_structure([3,4]), hash(P.tree_structure([1,2]))==hash(P.tree_structure([3,4])))
print(repr(P.SequenceKey(1)), repr(P.MappingKey('a')), repr(P.GetAttrKey('a')), str(P.SequenceKey(1)))
print(P.treespec_dumps(P.tree_structure([1,(2,),{'a':3}])))
print(P.treespec_loads(P.treespec_dumps(P.tree_structure([1,(2,),{'a':3}]))))
print(P.tree_flatten((1,None))[0], P.tree_structure(None))
try: P.tree_unflatten([1],s)
except Exception as e: print(type(e).__name__, e)
class Pt:
    def __init__(s,x,y): s.x,s.y=x,y
    def __repr__(s): return f"Pt({s.x},{s.y})"
P.register_pytree_node(Pt, lambda p: ([p.x,p.y], None), lambda v,c: Pt(*v), serialized_type_name='m.Pt',
   flatten_with_keys_fn=lambda p: ([(P.GetAttrKey('x'),p.x),(P.GetAttrKey('y'),p.y)], None))
print(P.tree_map(lambda v: v+1, [Pt(1,2)]), P.tree_structure(Pt(1,2)))
print(P.tree_leaves_with_path({'p':Pt(1,[2])}))
try: P.register_pytree_node(Pt, lambda p: ([p.x,p.y], None), lambda v,c: Pt(*v))
except Exception as e: print(type(e).__name__, e)
try: P.tree_map(lambda a,b:a, [1,2],[1])
except Exception as e: print(type(e).__name__, e)
try: P.tree_map(lambda a,b:a, {'a':1},{'b':1})
except Exception as e: print(type(e).__name__, e)
print(P.tree_all(lambda x: x>0,[1,2]), P.tree_any_only(str, lambda x: x=='a', [1,'a']))
print(P._broadcast_to_and_flatten(0,P.tree_structure([1,(2,3)])))
print(P.is_namedtuple(NT(1,2)), P.tree_leaves([1,[2,[3]]]))
print(P.tree_map_with_path(lambda p,x: P.keystr(p), {'a':[1,2]}))
