# The SMS fallback (services/sms.py): one Persian SMS segment is 70 characters, link included,
# so keep each text short, without emoji, with the link last.

sms-emergency = محله‌یار: گزارش اضطراری از محلهٔ شما {$link}
sms-escalation = محله‌یار: {$count} کار معوق به شما ارجاع شد {$link}
sms-digest = محله‌یار: {$count} مصوبه منتظر اقدام شماست {$link}
