"""A tiny randomly initialised GPT-2 (forward with labels, backward, an AdamW step, greedy generate) and a tiny BERT
sequence classifier (forward, backward) from transformers, with integer input_ids (no tokenizer, no hub)."""
import torch
from transformers import BertConfig, BertForSequenceClassification, GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)
cfg = GPT2Config(n_layer=2, n_head=2, n_embd=32, vocab_size=100, n_positions=64)
model = GPT2LMHeadModel(cfg)
print(type(model).__name__, sum(p.numel() for p in model.parameters()))
ids = torch.randint(0, 100, (2, 10))
out = model(input_ids=ids, labels=ids)
print("logits", tuple(out.logits.shape), out.logits.dtype)
print(f"loss {out.loss.item():.5f}")
out.loss.backward()
g = model.transformer.wte.weight.grad
print(f"wte grad norm {g.norm().item():.5f}")
print(f"h0 attn grad sum {model.transformer.h[0].attn.c_attn.weight.grad.abs().sum().item():.5f}")
opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
opt.step()
opt.zero_grad()
with torch.no_grad():
    out2 = model(input_ids=ids, labels=ids)
print(f"loss after step {out2.loss.item():.5f}")
model.eval()
prompt = torch.tensor([[1, 2, 3, 4]])
gen = model.generate(prompt, max_new_tokens=6, do_sample=False, pad_token_id=0)
print("generate", gen.tolist())

torch.manual_seed(1)
bcfg = BertConfig(vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                  max_position_embeddings=64, num_labels=3)
bert = BertForSequenceClassification(bcfg)
ids = torch.randint(0, 100, (3, 12))
mask = torch.ones(3, 12, dtype=torch.long)
mask[1, 8:] = 0
labels = torch.tensor([0, 2, 1])
bout = bert(input_ids=ids, attention_mask=mask, labels=labels)
print("bert logits", tuple(bout.logits.shape))
print("bert logits values", [f"{v:.4f}" for v in bout.logits.flatten().tolist()])
print(f"bert loss {bout.loss.item():.5f}")
bout.loss.backward()
print(f"bert emb grad norm {bert.bert.embeddings.word_embeddings.weight.grad.norm().item():.5f}")
print(f"bert classifier grad {bert.classifier.weight.grad.abs().sum().item():.5f}")

# wider generate use: top-k sampling under manual_seed, left padding with an attention mask, beam search
torch.manual_seed(3)
gen = model.generate(prompt, max_new_tokens=8, do_sample=True, top_k=20, temperature=0.9, pad_token_id=0)
print("sample", gen.tolist())
left = torch.tensor([[0, 0, 3, 4], [1, 2, 3, 4]])
gen = model.generate(left, attention_mask=(left != 0).long(), max_new_tokens=4, do_sample=False, pad_token_id=0)
print("left-pad greedy", gen.tolist())
gen = model.generate(torch.tensor([[1, 2, 3]]), max_new_tokens=4, num_beams=3, do_sample=False, pad_token_id=0)
print("beam", gen.tolist())
