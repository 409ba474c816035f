# The SMS fallback (services/sms.py): one Persian SMS segment is 70 characters, link included,
# so keep each text short, without emoji, with the link last.

sms-emergency = Mahalleyar: an emergency was reported in your neighbourhood {$link}
sms-escalation = Mahalleyar: {$count} overdue item(s) escalated to you {$link}
sms-digest = Mahalleyar: {$count} resolution(s) await your action {$link}
