# Needs assessments (‎/survey): the manager or a county official makes a survey; residents answer it
# one question at a time; the results; closing it records the neighbourhood's top needs.

command-survey = نیازسنجی محله (پاسخ‌دادن؛ ساختن و نتایج برای مدیر و مسئولان)

## The invitation and the closing notices (through the outbox)

survey-invitation = 📋 نیازسنجی محله: «{$title}»
    شورای محله می‌خواهد نیازهای واقعی محله را بداند. {$questions} پرسش کوتاه است؛ هر پرسش را می‌توانید رد کنید و هر وقت خواستید دست نگه دارید و بعد ادامه دهید. پاسخ‌ها بی‌نام‌اند.
    مهلت پاسخ: تا پایان {$closes}
survey-button-start = ▶️ شروع پاسخ‌دادن
survey-closed-notice = 🔒 نیازسنجی «{$title}» بسته شد.
    محلهٔ {$neighbourhood}: {$respondents} نفر پاسخ دادند.
    نیازهای اصلی:
    {$needs}

    با دکمهٔ هر نیاز، مصوبه‌ای برای آن آماده می‌شود.
survey-need-line = {$rank}. {$need}
survey-no-needs = (نیازسنجی پرسش چندگزینه‌ای نداشت یا کسی گزینه‌ای انتخاب نکرد)
survey-button-need = ➕ مصوبه: {$need}
survey-button-results = 📊 نتایج
survey-closed-creator = 🔒 نیازسنجی «{$title}» بسته شد: {$respondents} نفر از {$neighbourhoods} محله پاسخ دادند.
survey-need-resolution = رسیدگی به نیاز محله در نیازسنجی «{$title}»: {$need}

## /survey

survey-menu-title = 📋 نیازسنجی‌ها
survey-menu-empty = هنوز نیازسنجی‌ای نیست. با دکمهٔ زیر نخستین را بسازید.
survey-list-line = شمارهٔ {$id}: «{$title}» — {$place} — {$state}
survey-state-open = باز تا {$closes}
survey-state-closed = بسته شده
survey-place-county = همهٔ محله‌های {$county}
survey-button-new = ➕ نیازسنجی تازه
survey-button-show = 📊 {$id}. {$title}
survey-not-allowed = ساختن نیازسنجی و دیدن نتایج آن با مدیر محله و مسئولان شهرستان است.
survey-to-answer-title = 📋 نیازسنجی‌هایی که می‌توانید به آن‌ها پاسخ دهید:
survey-to-answer-line = «{$title}» — تا پایان {$closes} ({$answered} از {$total} پرسش پاسخ داده‌اید)
survey-button-answer = ▶️ {$title}
survey-none = اکنون نیازسنجی بازی برای پاسخ‌دادن ندارید.

## Making one

survey-ask-scope = این نیازسنجی برای کجاست؟
survey-scope-neighbourhood = محلهٔ {$name}
survey-scope-county = همهٔ محله‌های شهرستان {$name}
survey-ask-title = ✍️ عنوان نیازسنجی را بنویسید ({$min} تا {$max} حرف)، مثلاً «نیازهای محله در سال ۱۴۰۵».
    برای انصراف: ‎/cancel
survey-title-expected = لطفاً عنوان را به صورت متن بنویسید.
survey-ask-closes = تا چه روزی پاسخ پذیرفته شود؟ تاریخ شمسی را بنویسید (مثلاً {$example}) یا روز را از تقویم بزنید:
survey-closes-expected = لطفاً روز پایان را به صورت تاریخ بنویسید (مثلاً {$example}) یا از تقویم زیر بزنید.
survey-invalid-closes-past = روز پایان باید بعد از امروز ({$today}) باشد.
survey-invalid-closes-far = روز پایان حداکثر تا {$limit} می‌تواند باشد.
survey-ask-question = ✍️ پرسش {$number} را بنویسید ({$min} تا {$max} حرف):
survey-question-expected = لطفاً پرسش را به صورت متن بنویسید.
survey-ask-kind = پاسخ این پرسش چگونه داده شود؟
survey-kind-single = 🔘 یک گزینه
survey-kind-multi = ☑️ چند گزینه
survey-kind-scale = 🔢 مقیاس ۱ تا ۵
survey-kind-text = ✍️ متن کوتاه
survey-kind-name-single = تک‌گزینه‌ای
survey-kind-name-multi = چندگزینه‌ای
survey-kind-name-scale = مقیاس ۱ تا ۵
survey-kind-name-text = متن کوتاه
survey-ask-options = گزینه‌ها را بنویسید، هر گزینه در یک سطر ({$min} تا {$max} گزینه، هر کدام تا {$length} حرف).
    پرتکرارترین گزینه‌های نخستین پرسش چندگزینه‌ای، هنگام بستن نیازسنجی «نیازهای اصلی» محله ثبت می‌شوند.
survey-options-expected = لطفاً گزینه‌ها را به صورت متن بنویسید، هر کدام در یک سطر.
survey-invalid-options-count = این پرسش {$minimum} تا {$maximum} گزینه می‌خواهد؛ {$count} گزینه نوشتید.
survey-invalid-options-duplicate = گزینهٔ «{$option}» دو بار آمده است؛ گزینه‌ها باید با هم فرق داشته باشند.
survey-invalid-options-not-allowed = این نوع پرسش گزینه ندارد.
survey-invalid-no-questions = نیازسنجی دست‌کم یک پرسش می‌خواهد.
survey-invalid-too-many-questions = نیازسنجی حداکثر {$maximum} پرسش دارد.
survey-question-added = ✔️ پرسش {$number} افزوده شد ({$kind}). پرسش دیگری دارید؟
survey-button-add-question = ➕ پرسش دیگر
survey-button-finish = ✔️ تمام؛ نمایش خلاصه
survey-summary = لطفاً بررسی و تأیید کنید:
    نیازسنجی: {$title}
    برای: {$place}
    پاسخ تا پایان: {$closes}
    پرسش‌ها:
    {$questions}

    با تأیید، دعوت‌نامه برای ساکنان فرستاده می‌شود.
survey-summary-question = {$number}. {$text} ({$kind})
survey-summary-choice = {$number}. {$text} ({$kind}: {$options})
survey-not-saved = نیازسنجی ثبت نشد و چیزی ذخیره نشد.
survey-saved = ✅ نیازسنجی «{$title}» (شمارهٔ {$id}) ثبت شد و دعوت‌نامه برای {$now} ساکن فرستاده می‌شود.
survey-saved-waiting = {$waiting} ساکن دیگر هنوز ربات را باز نکرده‌اند؛ هر وقت بپیوندند دعوت‌نامه را می‌گیرند.
survey-form-closed = این فرم دیگر باز نیست.
survey-use-buttons = لطفاً یکی از دکمه‌ها را بزنید.

## Answering

survey-question = 📋 «{$title}» — پرسش {$number} از {$total}

    {$text}
survey-hint-single = یک گزینه را بزنید:
survey-hint-multi = هر چند گزینه که درست است بزنید، سپس «تأیید»:
survey-hint-scale = از ۱ (خیلی کم) تا ۵ (خیلی زیاد):
survey-hint-text = پاسخ کوتاه خود را بنویسید (تا {$max} حرف):
survey-option-on = ☑️ {$option}
survey-option-off = ⬜ {$option}
survey-button-multi-done = ✔️ تأیید انتخاب‌ها
survey-button-skip = ⏭ رد کردن
survey-button-stop = ⏸ بعداً ادامه می‌دهم
survey-pick-one-first = دست‌کم یک گزینه را انتخاب کنید، یا پرسش را رد کنید.
survey-resumed = ادامه از جایی که ماندید:
survey-thanks = 🙏 سپاس! پاسخ‌های شما به «{$title}» بی‌نام ثبت شد.
survey-stopped = ⏸ پاسخ‌های شما تا اینجا نگه داشته شد. هر وقت خواستید با دکمهٔ زیر یا ‎/survey ادامه دهید.
survey-button-resume = ▶️ ادامهٔ پاسخ‌دادن
survey-already-answered = شما پیش‌تر به این نیازسنجی پاسخ داده‌اید و هر کس یک بار پاسخ می‌دهد. سپاس از همراهی‌تان!
survey-closed = این نیازسنجی بسته شده است و دیگر پاسخی نمی‌پذیرد.
survey-not-for-you = این نیازسنجی برای ساکنان محلهٔ دیگری است. اگر ساکن آن محله‌اید، نخست با ‎/join به آن بپیوندید.
survey-answer-text-expected = لطفاً پاسخ را به صورت متن بنویسید، یا پرسش را رد کنید.

## Results and closing

survey-results-title = 📊 نتایج «{$title}» (شمارهٔ {$id})
survey-results-state = {$state} · {$responses} نفر پاسخ دادند
survey-results-only = (فقط پاسخ‌های محلهٔ شما)
survey-results-question = {$number}. {$text}
survey-results-option = • {$option}: {$count} ({$percent}٪)
survey-results-average = میانگین: {$average} از ۵ ({$answered} پاسخ)
survey-results-no-answers = هنوز پاسخی نیست.
survey-results-text = – {$text}
survey-results-skipped = {$skipped} نفر این پرسش را رد کردند.
survey-button-close = 🔒 بستن نیازسنجی
survey-close-confirm = نیازسنجی «{$title}» بسته شود؟ پس از آن پاسخی پذیرفته نمی‌شود و نیازهای اصلی هر محله ثبت می‌شود.
survey-button-close-yes = 🔒 بله، بسته شود
survey-button-close-no = ✖️ نه
survey-close-kept = نیازسنجی باز ماند.
survey-closed-done = 🔒 نیازسنجی بسته شد و نیازسنجی {$records} محله ثبت شد. نیازهای اصلی هر محله برای مدیر آن فرستاده می‌شود.
survey-already-closed = این نیازسنجی پیش‌تر بسته شده است.
survey-need-draft = مصوبه‌ای از نیاز «{$need}» آماده شد. کمیتهٔ پیشنهادی و مهلت یک‌ماهه را بررسی کنید؛ با «ثبت» ذخیره می‌شود.
survey-need-pick-responsible = مصوبه‌ای از نیاز «{$need}» آماده شد:
    {$text}
    مسئول آن کیست؟

## Results as files (chart and workbook)

survey-chart-question = {$number}. {$text} ({$answered} پاسخ)
survey-chart-scales = میانگین امتیازها (از {$low} تا {$high})
survey-chart-scale-row = {$number}. {$text}
survey-chart-subtitle = {$responses} نفر پاسخ دادند · درصد هر گزینه از کسانی است که به آن پرسش پاسخ دادند
survey-chart-more = و {$count} پرسش دیگر (همه در فایل اکسل)
survey-xlsx-responses = {$responses} نفر پاسخ دادند.
survey-xlsx-sheet-choices = گزینه‌ها
survey-xlsx-sheet-scales = امتیازها
survey-xlsx-sheet-texts = پاسخ‌های متنی
survey-xlsx-col-number = شمارهٔ پرسش
survey-xlsx-col-question = پرسش
survey-xlsx-col-kind = نوع پرسش
survey-xlsx-col-option = گزینه
survey-xlsx-col-count = تعداد
survey-xlsx-col-percent = درصد
survey-xlsx-col-answered = پاسخ داده‌اند
survey-xlsx-col-skipped = رد کرده‌اند
survey-xlsx-col-average = میانگین
survey-xlsx-col-scale-value = امتیاز {$value}
survey-xlsx-col-text = پاسخ
survey-xlsx-percent-note = درصد هر گزینه از کسانی است که به آن پرسش پاسخ دادند؛ در پرسش چندگزینه‌ای جمع درصدها می‌تواند از ۱۰۰ بیشتر شود.
survey-xlsx-scale-note = امتیازها از {$low} تا {$high}؛ میانگین از کسانی است که به آن پرسش پاسخ دادند.
