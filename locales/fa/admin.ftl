# Officials in the chat: ‎/grant and ‎/revoke (appointing people by phone), ‎/import_regions (the regions CSV).

menu-grant = 👤 دادن نقش
menu-import-regions = 🗺 ورود محدوده‌ها

admin-not-allowed = فقط مدیر سامانه و مسئولان استان و شهرستان می‌توانند نقش بدهند یا بگیرند.
admin-ask-phone-grant = شمارهٔ همراه کسی را که می‌خواهید به او نقش بدهید بنویسید (مانند ۰۹۱۲۳۴۵۶۷۸۹) یا مخاطب او را بفرستید. برای انصراف ‎/cancel را بفرستید.
admin-ask-phone-revoke = شمارهٔ همراه کسی را که می‌خواهید نقشی را از او بگیرید بنویسید (مانند ۰۹۱۲۳۴۵۶۷۸۹) یا مخاطب او را بفرستید. برای انصراف ‎/cancel را بفرستید.
admin-bad-phone = این شمارهٔ همراه معتبر نیست؛ با ۰۹ شروع می‌شود و ۱۱ رقم دارد. دوباره بنویسید یا مخاطب را بفرستید:
admin-ask-role-grant = به {$phone} کدام نقش داده شود؟
admin-ask-role-revoke = کدام نقش از {$phone} گرفته شود؟
admin-ask-province = کدام استان؟
admin-ask-county = کدام شهرستان؟
admin-ask-neighbourhood = کد محله یا نام آن را بنویسید:
admin-no-neighbourhood = محله‌ای با نام یا کد «{$query}» پیدا نشد. نام یا کد دیگری بنویسید:
admin-pick-neighbourhood = کدام محله؟
admin-outside-scope = این محل در حوزهٔ شما نیست؛ این نقش را فقط در حوزهٔ خودتان می‌توانید بدهید یا بگیرید. محل دیگری را برگزینید یا ‎/cancel را بفرستید.
admin-no-places = هنوز هیچ استان یا شهرستانی در حوزهٔ شما ثبت نشده است. ابتدا محدوده‌ها باید وارد شوند (‎/import_regions).
admin-ask-agency = رابط کدام دستگاه اجرایی؟
admin-agency-all = همهٔ دستگاه‌ها

admin-summary-grant = لطفاً بررسی و تأیید کنید:
admin-summary-revoke = لطفاً بررسی و تأیید کنید؛ این نقش گرفته می‌شود:
admin-summary-phone = شماره: {$phone}
admin-summary-role = نقش: {$role}
admin-summary-place = حوزه: {$place}
admin-summary-agency = دستگاه: {$agency}
admin-scope-global = همهٔ کشور
admin-place-county = شهرستان {$county} (استان {$province})
admin-place-neighbourhood = محلهٔ {$name} (کد {$code}، {$county})
admin-button-grant = ✅ دادن نقش
admin-button-revoke = ✅ گرفتن نقش

admin-granted = ✅ نقش «{$role}» در {$place} به {$phone} داده شد.
admin-granted-new-person = این شماره هنوز در محله‌یار نیست؛ هر وقت صاحبش ربات را در تلگرام یا بله باز کند و شماره‌اش را بفرستد، نقشش را می‌بیند.
admin-grant-unchanged = {$phone} از پیش نقش «{$role}» را در {$place} داشت؛ چیزی تغییر نکرد.
admin-revoked = ✅ نقش «{$role}» در {$place} از {$phone} گرفته شد.
admin-revoke-unchanged = {$phone} نقش «{$role}» را در {$place} نداشت؛ چیزی تغییر نکرد.
admin-unknown-person = کسی با شمارهٔ {$phone} در محله‌یار ثبت نشده است؛ چیزی تغییر نکرد.
admin-denied = شما اجازهٔ این کار را در این حوزه ندارید. چیزی ذخیره نشد.
admin-not-saved = این محل یا دستگاه دیگر پیدا نمی‌شود. چیزی ذخیره نشد؛ لطفاً دوباره شروع کنید.

admin-import-not-admin = فقط مدیر سامانه می‌تواند استان‌ها، شهرستان‌ها و محله‌ها را وارد کند.
admin-import-ask =
    پروندهٔ CSV محدوده‌ها را به‌صورت «فایل» بفرستید (UTF-8، حداکثر {$limit} مگابایت). سطر اول باید این ستون‌ها را داشته باشد:
    province,county,neighbourhood,code,kind
    ستون kind: urban یا rural (شهری یا روستایی). اگر سطری نادرست باشد هیچ چیز وارد نمی‌شود. برای انصراف ‎/cancel را بفرستید.
admin-import-send-document = لطفاً پروندهٔ CSV را به‌صورت فایل بفرستید، نه عکس یا متن. برای انصراف ‎/cancel را بفرستید.
admin-import-not-csv = این پرونده CSV نیست ({$name}). پرونده‌ای با پسوند ‎.csv بفرستید:
admin-import-too-large = این پرونده بزرگ‌تر از {$limit} مگابایت است. آن را به چند پرونده تقسیم کنید و هر کدام را جداگانه بفرستید.
admin-import-not-utf8 = این پرونده با UTF-8 ذخیره نشده است. در اکسل هنگام ذخیره «CSV UTF-8» را برگزینید و دوباره بفرستید.
admin-import-download-failed = دریافت پرونده ممکن نشد. لطفاً دوباره بفرستید.
admin-import-done = ✅ {$rows} سطر وارد شد: {$provinces} استان، {$counties} شهرستان و {$created} محلهٔ تازه ساخته شد؛ {$updated} محله به‌روز شد و {$unchanged} محله بدون تغییر ماند.
admin-import-selected = {$count} محله در فهرست محلات منتخب است.
admin-import-failed = هیچ چیز وارد نشد. این سطرها را درست کنید و پرونده را دوباره بفرستید (یا ‎/cancel):
admin-import-more = … و {$count} مورد دیگر
admin-import-problem-missing_columns = سطر {$line}: ستون‌های {$value} در سطر عنوان نیست
admin-import-problem-empty_file = سطر {$line}: پرونده خالی است؛ سطر عنوان باید province,county,neighbourhood,code,kind باشد
admin-import-problem-field_count = سطر {$line}: {$value} ستون دارد؛ باید به اندازهٔ سطر عنوان باشد
admin-import-problem-empty_field = سطر {$line}: ستون {$field} خالی است
admin-import-problem-too_long = سطر {$line}: ستون {$field} بیش از حد طولانی است
admin-import-problem-bad_kind = سطر {$line}: ستون kind باید urban یا rural (شهری یا روستایی) باشد، نه «{$value}»
admin-import-problem-bad_selected = سطر {$line}: ستون selected باید بله یا خیر (یا 1 و 0) باشد، نه «{$value}»
admin-import-problem-bad_code = سطر {$line}: کد فقط حرف و رقم لاتین، _ و - دارد (حداکثر ۳۲ نویسه)، نه «{$value}»
admin-import-problem-duplicate_code = سطر {$line}: کد {$value} در سطر {$other} هم آمده است
admin-import-problem-code_in_other_county = سطر {$line}: کد {$value} از پیش مال {$other} است
