# Private chats only (bot/privacy.py): what the bot says in a group, supergroup or channel.

private-chat-only = 🔒 محله‌یار فقط در گفتگوی خصوصی کار می‌کند تا کارهای شما خصوصی بماند؛ به {$bot} پیام خصوصی بدهید.
