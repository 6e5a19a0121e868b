"""What the demo's people say: short templates per situation, filled with varied details.

Each situation has several templates so that text-based features (a complaint's tone, a
pitch's sales phrases, a blaster's copy-paste) have to work on realistic variety rather
than on one fixed sentence. Slots that a caller does not fill (``{topic}``, ``{link}``,
``{n}``, ``{month}``, ...) are drawn at random when a template uses them.

>>> from random import Random
>>> writer = Writer(Random(2), owner="Ines")
>>> "Ines" in writer.say("defense", first="Tom")
True
"""

from __future__ import annotations

from random import Random

from goodwill.demo.names import COMPANIES

__all__ = ["SALES_PHRASES", "TEMPLATES", "Writer"]

TOPICS = (
    "pricing", "client onboarding", "customer interviews", "cash-flow planning",
    "hiring a first employee", "proposal writing", "retainers", "scope creep",
    "discovery workshops", "service design", "referral programmes", "invoicing",
    "client offboarding", "remote workshops", "quarterly planning", "supplier contracts",
)  # fmt: skip

SKILLS = (
    "Strategy", "Facilitation", "Service Design", "Small Business Consulting",
    "Process Improvement", "Customer Experience", "Workshop Design", "Pricing Strategy",
)  # fmt: skip

TIPS = (
    "send the proposal within 48 hours of the first call, while the problem is still warm",
    "put the scope in the client's words, not yours",
    "price the outcome, then check the hours, never the other way round",
    "a short weekly status email prevents most difficult conversations",
    "ask every happy client who else has the same problem",
    "write down what you will NOT do in the contract",
    "invoice on the day you deliver, not at the end of the month",
)  # fmt: skip

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip

# Phrases that make a first contact a pitch; every pitch and blast template carries one.
SALES_PHRASES = (
    "book a demo", "grow your followers", "free trial", "% off", "limited offer",
    "qualified leads", "special offer", "discount",
)  # fmt: skip

TEMPLATES: dict[str, tuple[str, ...]] = {
    "owner_post": (
        "New write-up: what {n} client projects taught me about {topic}. {link}",
        "Small-business tip: {tip}.",
        (
            "Ran a workshop on {topic} today. The best question came from the quietest person in "
            "the room."
        ),
        "Question for fellow consultants: how do you handle {topic}? Genuinely curious.",
        "{n} years in, I still think {topic} is where most small firms leak time.",
        "Reading list for the week: three good pieces on {topic}. {link}",
        (
            "Trust is earned in small deposits. Answered every client email within a day this "
            "{month_lc}; it shows."
        ),
        "Thread: {n} mistakes I made with {topic} so you don't have to.",
        "Booked up for {month}, a few slots open after that if {topic} is on your list.",
        "Quiet win today: a client said our {topic} work paid for itself in {n} weeks.",
        "Unpopular opinion: most {topic} problems are really communication problems.",
    ),
    "person_post": (
        "Finally published our notes on {topic}: {link}",
        "Anyone else find {topic} harder every year?",
        "Spent the afternoon untangling {topic}. Coffee number {n}.",
        "Small thing that helped us with {topic}: {tip}.",
        "Looking for recommendations: who's good at {topic} in {city}?",
        "Wrote something about {topic}, feedback welcome: {link}",
        "{month} goals: less email, more {topic}.",
    ),
    "reply_to_post": (
        "This matches what we saw with {topic}.",
        "Great point. Bookmarking this.",
        "Counterpoint: it depends a lot on the client.",
        "Love this, thanks for writing it up.",
        "We tried exactly this last quarter and it worked.",
        "So true. The {tip_short} part especially.",
        "Saving this for our next team meeting.",
    ),
    "owner_reply_back": (
        "Thanks, {first}! Curious how it went for you.",
        "Good point, {first}. It really does depend on the client.",
        "Glad it helped, {first}.",
        "Ha, yes. Let me know if you want the template.",
        "Exactly, {first}. Would love to hear more about your version.",
    ),
    "owner_reply_to_post": (
        "Great piece, {first}. The bit about {topic} is spot on.",
        "Congrats, {first}! Well deserved.",
        "This is so useful, thank you for sharing it.",
        "Happy to help with this, {first}. DM me.",
        "Agree, and I'd add: {tip}.",
    ),
    "reply_back_to_owner": (
        "Thanks {owner}! Means a lot coming from you.",
        "Will do, thanks {owner}.",
        "Ha, exactly. Thanks for reading!",
        "Yes! Let's compare notes soon.",
    ),
    "thanks_for_share": (
        "thanks for sharing!",
        "Thanks for sharing, {first}!",
        "Thank you for the boost 🙏",
        "Really appreciate the share, {first}.",
        "thanks for passing it on!",
    ),
    "colleague_open": (
        "Can you look at the {topic} slides before Friday?",
        "Moved our call to 3pm, does that still work?",
        "Sending the notes from the {company} workshop.",
        "Do you have capacity in {month} for a joint project on {topic}?",
        "Draft proposal for {company} attached, rip it apart.",
        "Saw this and thought of our {topic} conversation: {link}",
        "Lunch next week? I owe you one for the {topic} intro.",
        "Quick sanity check on pricing for {company}?",
    ),
    "colleague_answer": (
        "Yes, looks good. A few comments inline.",
        "Works for me.",
        "Got it, thanks!",
        "Let's talk it through on Thursday.",
        "Love it. Only change: lead with the outcome.",
        "Sure, sending my notes tonight.",
        "Done, see the doc.",
    ),
    "thanks_colleague": (
        "Thanks so much for this, {first}. Saved my week.",
        "Thank you! The {topic} notes were exactly what I needed.",
        "Owe you a coffee for this one, thanks.",
        "Thanks {first}, really appreciate you jumping in.",
    ),
    "meeting": (
        "Meeting: {topic} sync",
        "Working session on the {company} proposal",
        "Monthly catch-up",
        "Planning: next month's workshops",
    ),
    "call": ("Quick call about {topic}", "Call: {company} follow-up", "Phone catch-up"),
    "customer_inquiry": (
        (
            "Hi {owner}, we're a small team at {company} and need help with {topic}. Do you have "
            "time for a call?"
        ),
        "Hi {owner}, could you send us your rates for a {topic} engagement?",
    ),
    "customer_inquiry_referred": (
        "Hello {owner}, {referrer} suggested I get in touch about {topic}.",
        "Hi {owner}, {referrer} said you're the person to talk to about {topic}. Could we chat?",
    ),
    "owner_fix_mail": (
        "As promised: here is what went wrong and how we'll put it right this week.",
        "Following up on my reply: the corrected report is attached, no charge for this month.",
    ),
    "owner_inquiry_answer": (
        "Hi {first}, thanks for reaching out! Happy to talk. How does {day} look?",
        "Hi {first}, great to hear from you. Here's how I usually work: {link}",
        "Thanks {first}! Let's set up a short call to see if it's a fit.",
    ),
    "customer_mail": (
        "Attached the numbers you asked for.",
        "Quick question about the {topic} plan: can we move the deadline a week?",
        "The team loved Tuesday's session.",
        "Can we add {topic} to the scope?",
        "Here is the feedback from our staff survey.",
        "Is this month's invoice out yet?",
    ),
    "owner_customer_mail": (
        "Here's the draft for {topic}; let me know what you think.",
        "This month's invoice is attached. Thank you!",
        "Notes and next steps from today's session are in the shared folder.",
        "Yes, a week is fine. I'll adjust the plan.",
        "Good question. Short answer: yes, with one caveat.",
    ),
    "customer_thanks_end": (
        "Thank you {owner}, this project changed how we work.",
        "Thanks for everything, {owner}. We'll be back next year.",
        "Huge thanks from all of us at {company}.",
    ),
    "rating_good": ("Rated the {topic} engagement", "Great engagement, would hire again"),
    "rating_bad": ("Rated the engagement: poor communication", "Would not hire again"),
    "complaint": (
        "Three weeks and still no fix for the invoicing mess, {owner}. Disappointed.",
        "Paid for a workshop, got a no-show and no apology. Not great, {owner}.",
        "Still waiting on the report we were promised last month. Anyone else had this?",
        "Honestly frustrated: {n} emails to {owner} and no reply. What's going on?",
    ),
    "complaint_followup": (
        "Still nothing. Guess that's my answer.",
        "A week later and still silence. Lesson learned.",
        "No reply again. Would not recommend.",
    ),
    "defense": (
        (
            "I've worked with {owner} for years; she always makes things right. Email her, she'll "
            "sort it."
        ),
        (
            "That doesn't sound like {owner} at all. I'm sure it's a mix-up, she's the most "
            "reliable person I know."
        ),
        "{owner} got our team out of a real mess last year. Give her a chance to fix it, {first}.",
    ),
    "apology": (
        "So sorry about this, {first}. I've emailed you directly and we'll fix it today.",
        "You're right to be annoyed, {first}. My mistake. Sent you a DM with a plan.",
        "Apologies, {first}, that's on me. Calling you this afternoon.",
    ),
    "resolved_thanks": (
        "Thanks {owner} for sorting this out so fast. Much appreciated.",
        "Update: {owner} called, apologised and fixed it the same day. That's how it's done.",
        "All resolved. Thanks {owner}, that was handled really well.",
    ),
    "endorsement": ("Endorsed {owner} for {skill}",),
    "recommendation": (
        (
            "{owner} ran our {topic} project with rare care. Clear, honest, on time. I recommend "
            "her without hesitation."
        ),
        "I've sent {n} clients to {owner} and every one came back grateful.",
    ),
    "referral": (
        "Referred {other} ({company}) to you; they need help with {topic}.",
        "Passing {other} from {company} your way, they're stuck on {topic}.",
    ),
    "introduction_to_owner": (
        "{owner}, meet {other} from {company}. You two should talk about {topic}.",
        "Introducing you to {other}; {company} is looking for someone for {topic}.",
    ),
    "owner_introduction": (
        (
            "{first}, meet {other} ({company}). They're wrestling with {topic} and I think you can "
            "help."
        ),
        (
            "Introducing you two: {first}, this is {other}. I think you'd enjoy comparing notes on "
            "{topic}."
        ),
    ),
    "intro_thanks": (
        "Thanks for the intro, {owner}!",
        "Thank you for connecting us, we've already set up a call.",
    ),
    "friend_message": (
        "Miss our coffee chats! How's the studio?",
        "Did you see the photos from the trip? 😄",
        "We should catch up soon!",
        "How did the big workshop go?",
        "Are you coming to {city} this {month_lc}?",
        "Thinking of you, hope the week is kind.",
    ),
    "friend_answer": (
        "Haha yes, that was the best trip.",
        "Busy but good! Let's find a date.",
        "It went well, thank you for asking ❤️",
        "Yes! Let's do dinner when I'm back.",
        "Sorry for the slow reply, crazy week.",
    ),
    "pitch": (
        (
            "Hi {first}! Loved your profile. We help consultants grow your followers 10x in 30 "
            "days. Book a demo: {sales_link}"
        ),
        (
            "Quick one: our AI writes your proposals for you. Book a demo this week and get 30% "
            "off → {sales_link}"
        ),
        (
            "Hey {first}, want more clients? We guarantee {n} qualified leads a month. Free trial: "
            "{sales_link}"
        ),
        (
            "Saw your site, your SEO could be so much better. Limited offer: full audit for $99 "
            "{sales_link}"
        ),
        (
            "Hi {first}, special offer for small-business owners: automate your LinkedIn outreach, "
            "40% off today {sales_link}"
        ),
    ),
    "pitch_followup": (
        "Just bumping this up, {first}! The discount ends Friday: {sales_link}",
        "Following up, did you get a chance to book a demo? {sales_link}",
    ),
    "blast": (
        "🚀 Want 10x engagement? Our growth pack is 50% off today only → {sales_link}",
        "🔥 Last chance: special offer on our founder masterclass, seats going fast {sales_link}",
        "💸 Turn followers into qualified leads on autopilot. Free trial here: {sales_link}",
    ),
    "ring_post": (
        "Consistency > motivation. 💪",
        "Who else is building in public this week? 🙌",
        "Drop your niche below 👇 let's connect",
        "Follow for daily growth tips ✨",
        "Good morning, go-getters ☀️",
        "Your network is your net worth. 🔁",
        "Grind now, shine later 🔥",
    ),
    "question": (
        "{handle} do you have a template for {topic}?",
        "{handle} what tool do you use for {topic}?",
        "{handle} is your {topic} workshop running again this year?",
        "{handle} any book you'd recommend on {topic}?",
    ),
    "owner_answer_question": (
        "Great question! I use a simple spreadsheet, happy to share it.",
        "Yes, next one is in {month}. I'll send you the link.",
        "Short answer: it depends. Long answer in my newsletter next week.",
    ),
    "shoutout": (
        "Great session on {topic} by {handle} today.",
        "Thanks to {handle} for the {topic} checklist, it saved my morning.",
        "If you care about {topic}, follow {handle}.",
    ),
}  # fmt: skip


class _Slots(dict[str, str]):
    """Template slots: given ones as passed, missing ones drawn at random when used."""

    def __init__(self, writer: Writer, given: dict[str, str]) -> None:
        super().__init__(given)
        self.writer = writer

    def __missing__(self, key: str) -> str:
        value = self.writer.draw(key)
        self[key] = value
        return value


class Writer:
    """Fills templates with a seeded random source, so the same seed says the same things."""

    def __init__(self, rng: Random, *, owner: str) -> None:
        self.rng = rng
        self.owner = owner

    def say(self, situation: str, **slots: str) -> str:
        """One line for ``situation``, with ``slots`` filled and any others drawn."""
        template = self.rng.choice(TEMPLATES[situation])
        return template.format_map(_Slots(self, {"owner": self.owner, **slots}))

    def draw(self, key: str) -> str:
        """A random value for slot ``key``."""
        pick = self.rng.choice
        values: dict[str, tuple[str, ...]] = {
            "topic": TOPICS,
            "tip": TIPS,
            "skill": SKILLS,
            "month": MONTHS,
            "city": ("Lisbon", "Porto", "Leeds", "Rotterdam"),
            "day": ("Tuesday", "Wednesday morning", "Thursday", "Friday afternoon"),
            "company": COMPANIES,
            "first": ("there",),
        }
        if key in values:
            return pick(values[key])
        if key == "month_lc":
            return pick(("spring", "summer", "autumn", "winter", "month"))
        if key == "tip_short":
            return pick(("weekly status email", "scope", "invoice on delivery", "outcome pricing"))
        if key == "n":
            return str(self.rng.randint(3, 12))
        if key == "link":
            return f"https://vargastudio.example/notes/{self.rng.randint(100, 999)}"
        if key == "sales_link":
            return f"https://growth.example/offer?ref={self.rng.randint(1000, 9999)}"
        raise KeyError(f"template slot {key!r} has no default")
