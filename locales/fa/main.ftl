# Persian (default, complete). Keys are shared with locales/en/main.ftl; a test keeps them in step.

start-welcome = سلام {$name}! به محله‌یار خوش آمدید 🌿
    اینجا می‌توانید درخواست و شکایت محله را ثبت و پیگیری کنید و از کارهای شورای محله باخبر شوید.
start-welcome-back = {$name} عزیز، خوش آمدید.
start-your-roles = نقش‌های شما: {$roles}
start-no-roles = هنوز نقشی برای شما ثبت نشده است. اگر ساکن محله هستید، با پیوند محله‌تان عضو شوید.

lang-choose =
    زبان گفتگو را انتخاب کنید:
    Choose your language:
lang-set = زبان گفتگو فارسی شد.
lang-button-fa = فارسی
lang-button-en = English

onboarding-share-contact = برای شناسایی، شماره همراه خود را با دکمهٔ «ارسال شماره من» بفرستید. شماره شما فقط برای کسانی که به درخواستتان رسیدگی می‌کنند نمایش داده می‌شود.
onboarding-contact-button = 📱 ارسال شماره من
onboarding-contact-not-own = این شمارهٔ خود شما نیست. لطفاً فقط با دکمهٔ «ارسال شماره من» شمارهٔ خودتان را بفرستید.
onboarding-contact-expected = لطفاً به‌جای نوشتن، دکمهٔ «ارسال شماره من» را بزنید. برای انصراف ‎/cancel را بفرستید.
onboarding-invalid-phone = این شماره معتبر نیست. لطفاً شمارهٔ همراه خود را با دکمه بفرستید.
onboarding-linked = شمارهٔ {$phone} ثبت شد. ✅

join-done = به محلهٔ «{$name}» پیوستید. از این پس درخواست‌هایتان به شورای این محله می‌رسد و از اقدامات آن باخبر می‌شوید.
join-already = شما ساکن محلهٔ «{$name}» هستید.
join-unknown-link = این پیوند محله معتبر نیست. پیوند درست را از مدیر محله بگیرید.

role-admin = مدیر سامانه
role-province_official = مسئول استان
role-county_official = مسئول شهرستان
role-manager = مدیر محله
role-liaison = رابط دستگاه اجرایی
role-council_member = عضو شورای محله
role-committee_head = رئیس کمیته
role-resident = ساکن محله

help-text = راهنمای محله‌یار:
    • شروع و ثبت‌نام: ‎/start
    • پیوستن به محله با جستجوی نام آن: ‎/join
    • همین راهنما: ‎/help
    • تغییر زبان: ‎/lang
    • انصراف از کار جاری: ‎/cancel
    • استعلام کارت شناسایی: ‎/verify
help-resident = ساکنان:
    • ثبت درخواست یا شکایت: ‎/request
    • پیگیری با کد: ‎/track
    • درخواست‌های من: ‎/my_requests
    • اقدامات شورا و پیشرفت مصوبات، با امکان نظر دادن: ‎/feed
help-council = اعضای شورا و کمیته‌ها:
    • درخواست‌های کمیتهٔ شما: ‎/inbox
    • ثبت اقدام: ‎/action
    • مصوبات و گزارش پیشرفت: ‎/resolutions
help-manager = مدیر محله:
    • اعضای شورا و کمیته‌ها: ‎/members
    • ثبت عضو: ‎/add_member
    • پیوند دعوت و پیوند محله: ‎/invite
    • پوستر کد QR محله: ‎/poster
    • شناسنامهٔ محله: ‎/profile
    • ثبت جلسه و مصوبات: ‎/meeting
    • مصوبات: ‎/resolutions
    • وضعیت بحران: ‎/crisis
    • برنامهٔ محله و پیشرفت پروژه‌ها: ‎/plan
    • دوره‌های آموزشی: ‎/courses
help-liaison = رابطان دستگاه‌ها:
    • مصوباتی که بر عهدهٔ دستگاه شماست و گزارش پیشرفت: ‎/resolutions
help-official = مسئولان شهرستان و استان:
    • گزارش شوراها و کمیته‌ها: ‎/report
    • رابطان دستگاه‌ها: ‎/liaisons
    • انتصاب با شمارهٔ همراه: ‎/grant
    • شناسنامهٔ محله: ‎/profile کد-محله
    • مصوبات محله: ‎/resolutions کد-محله
    • برنامه‌ها و پیشرفتشان: ‎/plan
    • دوره‌های آموزشی و کارت‌ها: ‎/courses
help-admin = مدیر سامانه:
    • بارگذاری فهرست استان‌ها، شهرستان‌ها و محله‌ها (فایل CSV): ‎/import_regions

cancel-done = کار جاری لغو شد.
cancel-nothing = کاری در جریان نیست که لغو شود.

error-generic = متأسفیم، مشکلی پیش آمد و کار شما انجام نشد. لطفاً دوباره تلاش کنید.
error-unsupported-input = این نوع پیام را نمی‌توانم بخوانم. لطفاً متن بنویسید یا از دکمه‌ها استفاده کنید. راهنما: ‎/help
error-gone = آنچه این پیام یا دکمه به آن اشاره دارد دیگر در دسترس نیست یا در این فاصله تغییر کرده است. لطفاً از نو شروع کنید. راهنما: ‎/help
error-text-too-long = متن شما بیش از حد طولانی است ({$length} نویسه). حداکثر {$limit} نویسه مجاز است.
error-text-too-short = متن شما کوتاه است. دست‌کم {$limit} نویسه بنویسید.
error-denied = شما اجازهٔ این کار را ندارید. چیزی ذخیره نشد. راهنما: ‎/help

menu-members = 👥 اعضای شورا
menu-add-member = ➕ عضو تازه
menu-invite = 🔗 دعوت و پیوند محله
menu-profile = 📋 شناسنامه محله
menu-join = 🏘 محلهٔ من
menu-help = ❓ راهنما
menu-lang = 🌐 زبان / Language
menu-plan = 🗂 برنامه‌ها
menu-courses = 🎓 دوره‌های آموزشی
menu-verify = 🔎 استعلام کارت
menu-more = ⋯ بیشتر…
menu-back = ↩️ بازگشت
# A menu button with a number (the inbox's requests waiting for an answer); any label is
# recognised with or without it, so keep {$label} and {$count} in this one message only.
menu-counted = {$label} ({$count})
menu-more-title = کارهای دیگر را از دکمه‌های پایین انتخاب کنید:
menu-back-title = منوی اصلی:

# How long ago: unit is now, minutes, hours, days or months (services.jalali.age).
age-ago = { $unit ->
        [now] همین حالا
        [minutes] {$count} دقیقه پیش
        [hours] {$count} ساعت پیش
        [days] {$count} روز پیش
       *[months] {$count} ماه پیش
    }

role-title = {$role} — {$place}
role-title-committee_head = رئیس کمیتهٔ {$committee} — {$place}
role-title-liaison = رابط {$agency} — {$place}

command-start = شروع
command-help = راهنما
command-cancel = انصراف
command-lang = تغییر زبان
