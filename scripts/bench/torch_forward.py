# PyTorch reference timing for docs/BENCHMARKS.md: python torch_forward.py HF_DIR
import sys, time, torch
from transformers import ViTModel
torch.manual_seed(0)
m = ViTModel.from_pretrained(sys.argv[1] if len(sys.argv) > 1 else "/tmp/fullsize/hf").eval()
x = torch.randn(1, 3, 224, 224)
with torch.no_grad():
    for _ in range(2): m(pixel_values=x)
    for bs in [1, 8]:
        xb = torch.randn(bs, 3, 224, 224)
        t = time.perf_counter(); n = 5
        for _ in range(n): m(pixel_values=xb)
        print(f"batch {bs}: {(time.perf_counter()-t)/n/bs*1000:.1f} ms/image, threads {torch.get_num_threads()}")
