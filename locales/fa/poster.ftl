# ‎/poster: the printable poster of a neighbourhood's joining link (QR code).

# On the poster itself (in the deployment's default language, whatever the manager's).
poster-brand = محله‌یار
poster-call = به محله‌یار «{$name}» بپیوندید و درخواست‌ها و پیشنهادهایتان را به شورای محله برسانید.
poster-hint = کد را با دوربین گوشی اسکن کنید یا نشانی زیر را باز کنید

poster-button = 🖨 پوستر QR برای چاپ
poster-caption =
    پوستر پیوستن به محلهٔ «{$name}»، آمادهٔ چاپ (A5). ساکنان با اسکن کد یا باز کردن این پیوند عضو محله می‌شوند:
    {$link}
poster-not-manager = فقط مدیر محله می‌تواند پوستر پیوستن به محله را بگیرد.
