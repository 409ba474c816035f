# Needs assessments (/survey): the manager or a county official makes a survey; residents answer it
# one question at a time; the results; closing it records the neighbourhood's top needs.

command-survey = Neighbourhood needs assessment (answer; make one and see results: managers and officials)

## The invitation and the closing notices (through the outbox)

survey-invitation = 📋 Neighbourhood needs assessment: “{$title}”
    The neighbourhood council wants to know what the neighbourhood really needs. It is {$questions} short questions; you can skip any of them, stop whenever you like and go on later. Answers are anonymous.
    Answer by the end of {$closes}
survey-button-start = ▶️ Start answering
survey-closed-notice = 🔒 The needs assessment “{$title}” has closed.
    {$neighbourhood}: {$respondents} people answered.
    Top needs:
    {$needs}

    Each need's button drafts a resolution for it.
survey-need-line = {$rank}. {$need}
survey-no-needs = (the survey had no choice question, or nobody picked an option)
survey-button-need = ➕ Resolution: {$need}
survey-button-results = 📊 Results
survey-closed-creator = 🔒 The needs assessment “{$title}” has closed: {$respondents} people from {$neighbourhoods} neighbourhoods answered.
survey-need-resolution = Address the neighbourhood's need from the needs assessment “{$title}”: {$need}

## /survey

survey-menu-title = 📋 Needs assessments
survey-menu-empty = No needs assessment yet. Make the first one with the button below.
survey-list-line = No. {$id}: “{$title}” — {$place} — {$state}
survey-state-open = open until {$closes}
survey-state-closed = closed
survey-place-county = every neighbourhood of {$county}
survey-button-new = ➕ New needs assessment
survey-button-show = 📊 {$id}. {$title}
survey-not-allowed = Making needs assessments and reading their results is for neighbourhood managers and county officials.
survey-to-answer-title = 📋 Needs assessments you can answer:
survey-to-answer-line = “{$title}” — until the end of {$closes} ({$answered} of {$total} questions answered)
survey-button-answer = ▶️ {$title}
survey-none = There is no open needs assessment for you to answer now.

## Making one

survey-ask-scope = Who is this needs assessment for?
survey-scope-neighbourhood = {$name}
survey-scope-county = Every neighbourhood of {$name} county
survey-ask-title = ✍️ Write the title of the needs assessment ({$min} to {$max} characters), e.g. “The neighbourhood's needs in 1405”.
    To cancel: /cancel
survey-title-expected = Please write the title as text.
survey-ask-closes = Until which day are answers taken? Type a Jalali date (e.g. {$example}) or tap the day in the calendar:
survey-closes-expected = Please type the last day as a date (e.g. {$example}) or tap it in the calendar below.
survey-invalid-closes-past = The last day must be after today ({$today}).
survey-invalid-closes-far = The last day can be {$limit} at the latest.
survey-ask-question = ✍️ Write question {$number} ({$min} to {$max} characters):
survey-question-expected = Please write the question as text.
survey-ask-kind = How is this question answered?
survey-kind-single = 🔘 One option
survey-kind-multi = ☑️ Several options
survey-kind-scale = 🔢 Scale of 1 to 5
survey-kind-text = ✍️ Short text
survey-kind-name-single = single choice
survey-kind-name-multi = multiple choice
survey-kind-name-scale = scale of 1 to 5
survey-kind-name-text = short text
survey-ask-options = Write the options, one per line ({$min} to {$max} options, each up to {$length} characters).
    The most chosen options of the first choice question are recorded as the neighbourhood's “top needs” when the survey closes.
survey-options-expected = Please write the options as text, one per line.
survey-invalid-options-count = This question takes {$minimum} to {$maximum} options; you wrote {$count}.
survey-invalid-options-duplicate = The option “{$option}” is there twice; options must differ.
survey-invalid-options-not-allowed = This kind of question has no options.
survey-invalid-no-questions = A needs assessment needs at least one question.
survey-invalid-too-many-questions = A needs assessment has at most {$maximum} questions.
survey-question-added = ✔️ Question {$number} added ({$kind}). Another question?
survey-button-add-question = ➕ Another question
survey-button-finish = ✔️ Done; show the summary
survey-summary = Please check and confirm:
    Needs assessment: {$title}
    For: {$place}
    Answers until the end of: {$closes}
    Questions:
    {$questions}

    Once confirmed, the invitation goes to the residents.
survey-summary-question = {$number}. {$text} ({$kind})
survey-summary-choice = {$number}. {$text} ({$kind}: {$options})
survey-not-saved = The needs assessment was not saved; nothing was stored.
survey-saved = ✅ The needs assessment “{$title}” (number {$id}) is saved and its invitation is going to {$now} residents.
survey-saved-waiting = {$waiting} more residents have not opened the bot yet; they get the invitation when they join.
survey-form-closed = This form is no longer open.
survey-use-buttons = Please tap one of the buttons.

## Answering

survey-question = 📋 “{$title}” — question {$number} of {$total}

    {$text}
survey-hint-single = Tap one option:
survey-hint-multi = Tap every option that applies, then “Confirm”:
survey-hint-scale = From 1 (very little) to 5 (very much):
survey-hint-text = Write a short answer (up to {$max} characters):
survey-option-on = ☑️ {$option}
survey-option-off = ⬜ {$option}
survey-button-multi-done = ✔️ Confirm my choices
survey-button-skip = ⏭ Skip
survey-button-stop = ⏸ I'll go on later
survey-pick-one-first = Pick at least one option, or skip the question.
survey-resumed = Going on from where you stopped:
survey-thanks = 🙏 Thank you! Your answers to “{$title}” are recorded anonymously.
survey-stopped = ⏸ Your answers so far are kept. Go on whenever you like with the button below or /survey.
survey-button-resume = ▶️ Go on answering
survey-already-answered = You have answered this needs assessment already, and everyone answers once. Thank you for taking part!
survey-closed = This needs assessment has closed and takes no more answers.
survey-not-for-you = This needs assessment is for the residents of another neighbourhood. If you live there, join it first with /join.
survey-answer-text-expected = Please write your answer as text, or skip the question.

## Results and closing

survey-results-title = 📊 Results of “{$title}” (number {$id})
survey-results-state = {$state} · {$responses} people answered
survey-results-only = (only your neighbourhood's answers)
survey-results-question = {$number}. {$text}
survey-results-option = • {$option}: {$count} ({$percent}%)
survey-results-average = Average: {$average} of 5 ({$answered} answers)
survey-results-no-answers = No answers yet.
survey-results-text = – {$text}
survey-results-skipped = {$skipped} people skipped this question.
survey-button-close = 🔒 Close the needs assessment
survey-close-confirm = Close the needs assessment “{$title}”? No more answers are taken afterwards, and each neighbourhood's top needs are recorded.
survey-button-close-yes = 🔒 Yes, close it
survey-button-close-no = ✖️ No
survey-close-kept = The needs assessment stays open.
survey-closed-done = 🔒 The needs assessment is closed and recorded for {$records} neighbourhoods. Each neighbourhood's top needs go to its manager.
survey-already-closed = This needs assessment was closed already.
survey-need-draft = A resolution is drafted from the need “{$need}”. Check the suggested committee and the one-month deadline; “Save” stores it.
survey-need-pick-responsible = A resolution is drafted from the need “{$need}”:
    {$text}
    Who answers for it?

## Results as files (chart and workbook)

survey-chart-question = {$number}. {$text} ({$answered} answers)
survey-chart-scales = Average scores (from {$low} to {$high})
survey-chart-scale-row = {$number}. {$text}
survey-chart-subtitle = {$responses} people answered · each option's share is of those who answered its question
survey-chart-more = and {$count} more questions (all in the Excel file)
survey-xlsx-responses = {$responses} people answered.
survey-xlsx-sheet-choices = Options
survey-xlsx-sheet-scales = Scores
survey-xlsx-sheet-texts = Written answers
survey-xlsx-col-number = Question number
survey-xlsx-col-question = Question
survey-xlsx-col-kind = Kind
survey-xlsx-col-option = Option
survey-xlsx-col-count = Count
survey-xlsx-col-percent = Share
survey-xlsx-col-answered = Answered
survey-xlsx-col-skipped = Skipped
survey-xlsx-col-average = Average
survey-xlsx-col-scale-value = Score {$value}
survey-xlsx-col-text = Answer
survey-xlsx-percent-note = Each option's share is of those who answered its question; in a multiple choice question the shares can add up to more than 100%.
survey-xlsx-scale-note = Scores from {$low} to {$high}; the average is of those who answered the question.
