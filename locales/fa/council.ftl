# Council management: registering members, the member list, committee staffing, invitations.

committee-health = بهداشت و درمان
committee-livelihood = حمایت معیشتی
committee-security = امنیت عمومی
committee-culture = امور فرهنگی
committee-services = عمران و خدمات محلی
committee-environment = مسائل زیست‌محیطی
committee-crisis = مدیریت بحران

position-chair = رئیس شورا
position-secretary = دبیر شورا
position-member = عضو شورا

button-continue = ادامه ⬅️
button-skip = رد کردن
button-save = ✅ ثبت
button-cancel = ❌ انصراف
button-no-head = رئیس هیچ کمیته‌ای نیست
button-deactivate = غیرفعال کردن {$name}

council-not-manager = این کار فقط برای مدیر محله است.
council-use-buttons = لطفاً یکی از دکمه‌های زیر را بزنید، یا برای انصراف ‎/cancel را بفرستید.

member-ask-name = نام و نام خانوادگی عضو تازهٔ شورا را بنویسید:
member-bad-name = نام باید دست‌کم دو حرف و حداکثر {$limit} نویسه باشد. دوباره بنویسید:
member-ask-phone = شمارهٔ همراه «{$name}» را بنویسید (مثل ۰۹۱۲۳۴۵۶۷۸۹) یا مخاطب او را بفرستید:
member-bad-phone = این شمارهٔ همراه معتبر نیست؛ شماره با ۰۹ شروع می‌شود و ۱۱ رقم دارد. دوباره بنویسید:
member-ask-position = سمت «{$name}» در شورا چیست؟
member-ask-committees = «{$name}» عضو کدام کمیته‌هاست؟ هر چند تا را که لازم است بزنید، بعد «ادامه» را بزنید.
member-ask-head = «{$name}» رئیس کدام کمیته است؟
member-ask-national-code = کد ملی «{$name}» را بنویسید، یا «رد کردن» را بزنید:
member-bad-national-code = این کد ملی درست نیست (۱۰ رقم با رقم کنترل درست). دوباره بنویسید یا «رد کردن» را بزنید:
member-summary =
    لطفاً بررسی و تأیید کنید:
    نام: {$name}
    همراه: {$phone}
    سمت: {$position}
    کمیته‌ها: {$committees}
    ریاست: {$head}
    کد ملی: {$code}
member-none = —
member-saved = «{$name}» در شورا ثبت شد ✅
    وقتی ربات را در تلگرام یا بله باز کند و شماره‌اش را بفرستد، خودکار شناخته می‌شود.
member-head-taken = کمیتهٔ «{$committee}» رئیس دارد ({$holder}). کمیتهٔ دیگری انتخاب کنید یا «رئیس هیچ کمیته‌ای نیست» را بزنید.
member-position-taken = شورا «{$position}» دارد ({$holder}). سمت دیگری انتخاب کنید.
member-already = این شماره متعلق به یکی از اعضای فعلی شوراست. چیزی ثبت نشد.
member-not-saved = ثبت انجام نشد و چیزی ذخیره نشد. دوباره با ‎/add_member شروع کنید.

members-title = اعضای شورای محلهٔ «{$name}»:
members-empty = هنوز عضوی ثبت نشده است. با ‎/add_member عضو اضافه کنید.
member-line = • {$name} — {$position}{$committees}
member-line-phone = • {$name} — {$position}{$committees} — {$phone}
member-head-mark = (رئیس)
staffing-title = کمیته‌ها:
staffing-line = • {$committee}: رئیس: {$head} | اعضا: {$count}
staffing-no-head = ندارد ⚠️
member-deactivated = «{$name}» غیرفعال شد.

invite-created =
    پیوند دعوت به شورای محلهٔ «{$name}» (یک‌بار مصرف، معتبر تا {$expires}):
    {$link}
    پیوند عضویت ساکنان:
    {$resident_link}
invite-accepted = به شورای محلهٔ «{$name}» با سمت «{$position}» پیوستید ✅
invite-unknown = این پیوند دعوت معتبر نیست.
invite-expired = مهلت این پیوند دعوت تمام شده است. از مدیر محله پیوند تازه بخواهید.
invite-used = این پیوند دعوت قبلاً استفاده شده است. از مدیر محله پیوند تازه بخواهید.
invite-already-member = شما هم‌اکنون عضو این شورا هستید.
invite-seat-taken = سمتی که این دعوت برای آن بود دیگر خالی نیست. از مدیر محله دعوت تازه بخواهید.

# Editing a member from ‎/members.
button-edit = ✏️ ویرایش {$name}
button-edit-more = ✏️ تغییر مورد دیگر
button-clear-national-code = بدون کد ملی
member-field-name = نام
member-field-phone = شمارهٔ همراه
member-field-position = سمت
member-field-committees = کمیته‌ها و ریاست
member-field-national_code = کد ملی
member-edit-choose = ویرایش «{$name}»: چه چیزی را تغییر می‌دهید؟ (برای انصراف ‎/cancel)
member-edit-ask-name = نام تازهٔ «{$name}» را بنویسید:
member-edit-ask-national-code = کد ملی «{$name}» را بنویسید، یا برای پاک کردن آن «بدون کد ملی» را بزنید:
member-edit-bad-national-code = این کد ملی درست نیست (۱۰ رقم با رقم کنترل درست). دوباره بنویسید یا «بدون کد ملی» را بزنید:
member-edit-changed = تغییرها: {$fields}
member-edit-phone-taken = این شماره متعلق به عضو دیگری از شوراست. شمارهٔ دیگری بنویسید یا برای انصراف ‎/cancel را بفرستید:
member-edit-unavailable = این عضو دیگر در شورا فعال نیست. برای بازگرداندنش او را دوباره با ‎/add_member ثبت کنید.
member-edited = تغییرهای «{$name}» ثبت شد ✅
