# The neighbourhood feed (/feed): public actions, resolutions' progress, comments. Keys are shared with locales/fa/feed.ftl.

menu-feed = 📰 Neighbourhood feed
command-feed = The council's actions and resolutions' progress

feed-need-join = To see the neighbourhood feed, join your neighbourhood first (/join or the neighbourhood's link).
feed-empty = Nothing on the feed of {$name} yet. The council's work will show here soon.
feed-not-allowed = You cannot do that.
feed-header = 📰 {$name} feed — {$page} of {$pages}

feed-action-title = ✅ Action: {$title}
feed-action-committee = Committee: {$committee}
feed-action-programme = National programme: {$programme}
feed-action-date = 📅 {$date}
feed-action-resolution = 📋 Carrying out the resolution: {$text}
feed-action-counts = 📷 {$photos} photos · 💬 {$comments} comments
feed-button-comment = 💬 Comment
feed-button-show-comments = Show comments ({$count})
feed-button-photos = 📷 See photos ({$count})
feed-button-prev = « Previous
feed-button-next = Next »
feed-action-gone = This action is no longer on the neighbourhood feed.
feed-photos-elsewhere = This action's photos were sent on the other messenger and cannot be shown here.

feed-resolution-title = 📋 Council resolution
feed-resolution-progress = {$status} — {$progress}% done {$bar}
feed-resolution-status-open = Waiting
feed-resolution-status-in_progress = In progress
feed-resolution-status-done = ✅ Done
feed-resolution-status-cancelled = Cancelled
feed-resolution-deadline = Deadline: {$date}
feed-resolution-done-on = Done on {$date}

feed-someone = A neighbour
feed-comment = 💬 {$author} — {$when}
    {$text}
feed-comment-hidden-reports = 🙈 Hidden after residents' reports; waiting for your review.
feed-comment-hidden-manager = 🙈 Hidden by the manager.
feed-comment-hidden-mine = 🙈 Your comment is hidden; others do not see it.
feed-comment-reports = ⚠️ {$count} reports
feed-button-report = ⚠️ Report as inappropriate
feed-button-hide = 🙈 Hide
feed-button-approve = ✅ It is fine
feed-button-restore = ↩️ Show again
feed-button-keep-hidden = 🙈 Keep hidden

feed-comments-none = No comments on "{$title}" yet. Be the first.
feed-comments-head = 💬 Comments on "{$title}" ({$count}):
feed-comments-more = There are older comments.
feed-button-older-comments = Older comments
feed-button-show-all-comments = Show comments

feed-ask-comment = Write your comment on "{$title}" (at most {$max} characters). Residents see it with your first name. /cancel to stop.
feed-comment-too-short = The comment is too short. Please write a little more.
feed-comment-too-long = Your comment has {$length} characters; at most {$max} are allowed. Shorten it and send it again.
feed-comment-expected = Please type your comment as text (at most {$max} characters), or /cancel.
feed-comment-added = ✅ Your comment is saved. Thank you for taking part.
feed-comment-gone = This comment is no longer shown.

feed-report-own = You cannot report your own comment.
feed-report-reported = Your report is recorded. Thank you; the neighbourhood manager will look at it.
feed-report-already = You have already reported this comment.
feed-report-hidden = Your report is recorded. The comment is hidden until the manager reviews it.

feed-moderated-hidden = The comment is hidden.
feed-moderated-restored = Residents see the comment again.
feed-notice-comment-hidden = ⚠️ A comment on the action "{$title}" was hidden after {$reports} residents reported it, and waits for your review:
    "{$text}"
    If it is fine, press "Show again".
