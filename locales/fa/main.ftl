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
onboarding-contact-expected = لطفاً به‌جای نوشتن، دکمهٔ «ارسال شماره من» را بزنید. برای انصراف /cancel را بفرستید.
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
    /start شروع و ثبت‌نام
    /join پیوستن به محله با جستجوی نام آن
    /help همین راهنما
    /lang تغییر زبان
    /cancel انصراف از کار جاری
help-roles = مدیر محله: /members اعضای شورا و کمیته‌ها، /add_member ثبت عضو، /invite پیوند دعوت، /profile شناسنامه محله. مسئولان شهرستان و استان: /profile کد محله.

cancel-done = کار جاری لغو شد.
cancel-nothing = کاری در جریان نیست که لغو شود.

error-generic = متأسفیم، مشکلی پیش آمد و کار شما انجام نشد. لطفاً دوباره تلاش کنید.
error-unsupported-input = این نوع پیام را نمی‌توانم بخوانم. لطفاً متن بنویسید یا از دکمه‌ها استفاده کنید. راهنما: /help
error-text-too-long = متن شما بیش از حد طولانی است ({$length} نویسه). حداکثر {$limit} نویسه مجاز است.

menu-members = 👥 اعضای شورا
menu-add-member = ➕ عضو تازه
menu-invite = 🔗 دعوت و پیوند محله
menu-profile = 📋 شناسنامه محله
menu-join = 🏘 محلهٔ من
menu-help = ❓ راهنما
menu-lang = 🌐 زبان / Language

command-start = شروع
command-help = راهنما
command-cancel = انصراف
command-lang = تغییر زبان
