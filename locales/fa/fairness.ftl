# The per-person throttle (bot/fairness.py): said once when someone sends too much too fast.

throttle-slow-down = 🐢 کمی آهسته‌تر، لطفاً! پیام‌هایی که این‌قدر پشت سر هم می‌رسند خوانده نمی‌شوند؛ چند ثانیه صبر کنید و آخرین پیامتان را دوباره بفرستید.
