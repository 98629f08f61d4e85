"""Demo content for Rimrock Massage & Bodywork.

Plain Python data used to seed a demonstration clinic: categories, services, therapists,
opening hours, sample clients, booking notes and articles. Nothing here imports Django, so
the module can be loaded by management commands, tests or fixtures alike.

All names, emails, phone numbers and license numbers are fictional.
"""

from textwrap import dedent

CLINIC = {
    "name": "Rimrock Massage & Bodywork",
    "street": "2815 Montana Avenue, Suite 200",
    "city": "Billings",
    "region": "MT",
    "postal_code": "59101",
    "phone": "(406) 555-0142",
    "time_zone": "America/Denver",
}

CATEGORIES = [
    {
        "name": "Sciatica",
        "slug": "sciatica",
        "description": (
            "Plain-language guides to sciatic pain in the lower back, hips and legs, "
            "and how massage can fit into your care."
        ),
    },
    {
        "name": "Neck & shoulder",
        "slug": "neck-and-shoulder",
        "description": (
            "Easing the stiff necks, tight shoulders and tension headaches that come "
            "with desk work, driving and everyday stress."
        ),
    },
    {
        "name": "Self-care",
        "slug": "self-care",
        "description": (
            "Gentle stretches, posture habits and seasonal tips to help you feel better "
            "between massage sessions."
        ),
    },
    {
        "name": "Your visit",
        "slug": "your-visit",
        "description": (
            "Everything you need to know before you arrive, from what to wear to how we "
            "check in about pressure."
        ),
    },
]

SERVICES = [
    {
        "name": "Sciatica relief massage",
        "slug": "sciatica-relief-60",
        "kind": "sciatica",
        "duration": 60,
        "price": "95.00",
        "buffer": 15,
        "order": 1,
        "summary": (
            "A focused hour for the lower back, hips and legs, easing the tight muscles "
            "that so often come with sciatic pain."
        ),
        "description": (
            "This session concentrates on the areas that most often add to sciatic "
            "discomfort: the lower back, the buttock, deep hip muscles such as the "
            "piriformis, and the back of the thigh. Your therapist adjusts pressure and "
            "positioning to how you feel on the day.\n"
            "\n"
            "Massage will not fix a disc problem, but many people find it eases muscle "
            "guarding, helps them move more freely and makes daily tasks more "
            "comfortable. It works well alongside care from your doctor or physical "
            "therapist."
        ),
        "techniques": [
            "Deep tissue massage",
            "Myofascial release",
            "Trigger point therapy",
            "Assisted hip stretching",
        ],
        "who_it_helps": [
            "Pain that travels from the buttock down the leg",
            "Stiffness after long hours of sitting or driving",
            "A deep ache in one hip or buttock",
            "People already working with a doctor or physical therapist",
        ],
        "what_to_expect": (
            "Please fill in our health form online before your first visit (about 5 "
            "minutes): we email you the link when you book. Wear comfortable clothing "
            "and arrive a few minutes early to settle in. Your therapist will ask where you "
            "feel pain and what makes it worse, then plan the session with you. You can lie face down, face up or on "
            "your side with pillows, and we check in about pressure throughout."
        ),
    },
    {
        "name": "Extended sciatica relief massage",
        "slug": "sciatica-relief-90",
        "kind": "sciatica",
        "duration": 90,
        "price": "135.00",
        "buffer": 15,
        "order": 2,
        "summary": (
            "An unhurried 90-minute session with extra time for the lower back, the hips "
            "and the full length of both legs."
        ),
        "description": (
            "With 90 minutes, there is time to work slowly through every area that can "
            "play a part in sciatic pain: the lower back, the buttock and deep hip "
            "muscles, the hamstrings, the calves and the feet. Slower work often lets "
            "the deeper layers relax with less pressure.\n"
            "\n"
            "This longer session is a good choice when pain reaches below the knee, when "
            "both sides feel tight, or when you simply want time to settle in. We finish "
            "with gentle, assisted stretching for the hips and legs."
        ),
        "techniques": [
            "Deep tissue massage",
            "Myofascial release",
            "Trigger point therapy",
            "Moist heat for the lower back",
            "Assisted hip and hamstring stretching",
        ],
        "who_it_helps": [
            "Pain that reaches below the knee or into the foot",
            "Long-standing lower back and hip tightness",
            "People who find shorter sessions feel rushed",
            "Active people after a hard season of work or sport",
        ],
        "what_to_expect": (
            "Before your first visit, please fill in our health form online: the link comes "
            "with your confirmation email. Wear loose, comfortable clothing and arrive a few "
            "minutes early for a chat about your pain. We use pillows and bolsters so you "
            "can rest comfortably, including on your side. Your therapist checks in about "
            "pressure often, and you can ask for lighter or firmer work at any time."
        ),
    },
    {
        "name": "Neck & shoulder express",
        "slug": "neck-shoulder-30",
        "kind": "neck_shoulder",
        "duration": 30,
        "price": "55.00",
        "buffer": 10,
        "order": 3,
        "summary": (
            "A focused 30-minute reset for a stiff neck, tight shoulders and the upper "
            "back, easy to fit into a lunch break."
        ),
        "description": (
            "This short session goes straight to where desk work, driving and stress "
            "tend to settle: the neck, the tops of the shoulders and the area between the "
            "shoulder blades. It is a practical way to find relief on a busy day.\n"
            "\n"
            "Most clients lie on the table, but we can also work with you seated if that "
            "is more comfortable. Many people book it every week or two to keep tension "
            "from building up between longer visits."
        ),
        "techniques": [
            "Swedish massage",
            "Trigger point therapy",
            "Myofascial release",
            "Gentle neck stretching",
        ],
        "who_it_helps": [
            "Desk and computer workers",
            "Tension across the tops of the shoulders",
            "People short on time",
            "Regular upkeep between longer sessions",
        ],
        "what_to_expect": (
            "Before your first visit, please fill in our health form online: the link comes "
            "with your confirmation email. Wear a top that is easy to remove or loosen, and "
            "arrive a few minutes early. Your therapist will ask a few questions about your "
            "neck and shoulders before starting. We check in about pressure as we go, so the "
            "session stays comfortable."
        ),
    },
    {
        "name": "Neck & shoulder massage",
        "slug": "neck-shoulder-60",
        "kind": "neck_shoulder",
        "duration": 60,
        "price": "90.00",
        "buffer": 15,
        "order": 4,
        "summary": (
            "A full hour for the neck, shoulders, upper back and arms, with time for the "
            "chest muscles and the base of the skull."
        ),
        "description": (
            "Tight necks and shoulders rarely stop at the neck. This session follows the "
            "tension where it leads: the upper back, the chest muscles that pull the "
            "shoulders forward, the arms and hands, and the small muscles at the base of "
            "the skull that often play a part in tension headaches.\n"
            "\n"
            "The extra time allows slower, deeper work and gentle supported stretching "
            "while you relax. Many people leave with more room to turn their head and "
            "less of that heavy feeling across the shoulders."
        ),
        "techniques": [
            "Swedish massage",
            "Deep tissue massage",
            "Trigger point therapy",
            "Myofascial release",
            "Supported neck stretching",
        ],
        "who_it_helps": [
            "A stiff neck that is hard to turn",
            "Tension headaches linked to tight muscles",
            "Rounded shoulders from desk or phone use",
            "Shoulder tension from stress or poor sleep",
        ],
        "what_to_expect": (
            "Please fill in our health form online before your first visit (about 5 "
            "minutes): we email you the link when you book. Wear comfortable clothing "
            "and arrive a few minutes early. Your therapist will talk with you about where "
            "you hold tension and any headaches or arm symptoms. We check in about pressure throughout, "
            "and you are welcome to speak up at any time."
        ),
    },
]

THERAPISTS = [
    {
        "name": "Maren Ostby",
        "slug": "maren-ostby",
        "username": "maren",
        "email": "maren@rimrockmassage.example",
        "credentials": "LMT, Montana license MT-LMT-0000412",
        "years_experience": 14,
        "techniques": [
            "Deep tissue massage",
            "Myofascial release",
            "Trigger point therapy",
            "Swedish massage",
            "Assisted stretching",
        ],
        "services": [
            "sciatica-relief-60",
            "sciatica-relief-90",
            "neck-shoulder-30",
            "neck-shoulder-60",
        ],
        "bio": (
            "Maren grew up in Laurel and has practiced massage in Billings for fourteen "
            "years. She opened Rimrock Massage & Bodywork after years of seeing clients "
            "whose back and hip pain kept them from work, grandkids and time outdoors. "
            "Her sessions are calm and unhurried, and she always listens before she "
            "begins.\n"
            "\n"
            "Maren has advanced training in myofascial release and trigger point therapy, "
            "and she enjoys working alongside local physical therapists and "
            "chiropractors. Away from the clinic, you will find her walking the trails "
            "along the Rims or tending her vegetable garden, which she admits is mostly "
            "an excuse to stretch her own hamstrings."
        ),
        "hours": {
            0: [("08:00", "12:00"), ("13:00", "16:30")],
            1: [("08:00", "12:00"), ("13:00", "16:30")],
            2: [("08:00", "12:00"), ("13:00", "16:30")],
            3: [("08:00", "12:00"), ("13:00", "16:30")],
            4: [("08:00", "12:00")],
        },
    },
    {
        "name": "Luis Echeverria",
        "slug": "luis-echeverria",
        "username": "luis",
        "email": "luis@rimrockmassage.example",
        "credentials": "LMT, Montana license MT-LMT-0000687",
        "years_experience": 9,
        "techniques": [
            "Deep tissue massage",
            "Trigger point therapy",
            "Sports massage",
            "Assisted stretching",
        ],
        "services": [
            "sciatica-relief-60",
            "sciatica-relief-90",
            "neck-shoulder-60",
        ],
        "bio": (
            "Luis came to massage therapy after a decade of ranch and construction work "
            "left him with a stubborn case of sciatica. The relief he found on the table "
            "sent him to massage school, and for nine years he has helped people with "
            "lower back, hip and leg pain get back to the things they love.\n"
            "\n"
            "Luis is known for clear explanations and firm but patient deep tissue work. "
            "He likes to send clients home with one or two simple stretches, never a long "
            "list. He works afternoons, evenings and Saturday mornings, which makes him a "
            "favorite with people who cannot get away during the workday. On his days "
            "off, he is usually fishing the Yellowstone River with his two kids."
        ),
        "hours": {
            1: [("11:00", "14:00"), ("14:30", "19:00")],
            2: [("11:00", "14:00"), ("14:30", "19:00")],
            3: [("11:00", "14:00"), ("14:30", "19:00")],
            4: [("11:00", "14:00"), ("14:30", "19:00")],
            5: [("09:00", "13:00")],
        },
    },
    {
        "name": "Hannah Kowalski",
        "slug": "hannah-kowalski",
        "username": "hannah",
        "email": "hannah@rimrockmassage.example",
        "credentials": "LMT, Montana license MT-LMT-0000935",
        "years_experience": 6,
        "techniques": [
            "Swedish massage",
            "Myofascial release",
            "Trigger point therapy",
            "Gentle neck stretching",
        ],
        "services": [
            "neck-shoulder-30",
            "neck-shoulder-60",
            "sciatica-relief-60",
        ],
        "bio": (
            "Hannah spent several years as an office manager before becoming a massage "
            "therapist, so she knows desk-work tension from the inside. She has a special "
            "interest in neck and shoulder pain, tension headaches and the aches that "
            "come with long hours at a screen or behind the wheel.\n"
            "\n"
            "Clients describe her touch as gentle but precise. She is a good match if you "
            "are new to massage, a little nervous or prefer lighter pressure, and she is "
            "happy to adjust anything at any time. Off the clock, Hannah sings in a "
            "community choir and is always on the hunt for the best cinnamon roll in "
            "town."
        ),
        "hours": {
            0: [("09:00", "12:30"), ("13:30", "18:00")],
            2: [("09:00", "12:30"), ("13:30", "18:00")],
            3: [("12:00", "15:00"), ("15:30", "19:00")],
            4: [("08:00", "12:00"), ("13:00", "15:00")],
        },
    },
]

OPENING_HOURS = [
    ("Monday \u2013 Friday", "8:00 am \u2013 7:00 pm"),
    ("Saturday", "9:00 am \u2013 1:00 pm"),
    ("Sunday", "Closed"),
]

# The visit page: finding the clinic and what the first visit is like.
VISIT = {
    "directions": (
        "We are on the second floor of the old Stockman building on Montana Avenue, between "
        "North 28th and North 29th Streets, across from the railroad depot. Look for the green "
        "door with our name beside it."
    ),
    "parking": [
        "Free parking for clients in the lot behind the building, off the alley between "
        "North 28th and North 29th Streets. Two spaces by the back door are for disabled "
        "drivers.",
        "Two-hour street parking on Montana Avenue is free after 6 pm and on Saturdays.",
        "By bus: MET Transit's downtown transfer center is a five-minute walk.",
    ],
    "access": [
        "Step-free entrance from the back lot, with a ramp and an automatic door.",
        "An elevator to Suite 200; the hallway and both treatment rooms fit a wheelchair.",
        "The Rimrock room has a table that lowers to wheelchair height, and an accessible "
        "restroom is next door.",
        "Tell us when you book if you would like a hand from the car, or to bring a helper.",
    ],
    "wear": [
        "Comfortable clothes you can move in. You undress only to your level of comfort, "
        "and you are always covered with a sheet and blanket.",
        "Glasses, a list of your medications, and any notes from your doctor or physical "
        "therapist.",
        "Your HSA or FSA card if you use one; we can give you a receipt for your insurer.",
        "Before your first visit, please fill in our health form online (the link is in "
        "your confirmation email), and come a few minutes early to settle in.",
    ],
    "first_visit": [
        (
            "A short welcome",
            "We greet you at the desk and offer you water. With your health form filled in "
            "online, there is no paperwork: you can simply settle in.",
        ),
        (
            "A talk about where it hurts",
            "Your therapist asks what brings you in, what makes it worse, and what you want to "
            "be able to do again. We check for anything that means massage should wait.",
        ),
        (
            "Your session",
            "Your therapist leaves the room while you get comfortable on the table. We check "
            "in about pressure throughout, and you can ask us to change or stop anything.",
        ),
        (
            "Afterwards",
            "One or two simple stretches for home, a glass of water, and time to book again "
            "only if you want to.",
        ),
    ],
}

# Reviews of completed demo sessions: (therapist slug, rating, comment, the clinic's reply).
# The last one waits for the owner in the back office.
REVIEWS = [
    (
        "maren-ostby",
        5,
        "I came in barely able to sit through a drive. Maren listened for a long time before "
        "starting, and by the end of the session the pain down my leg had eased for the first "
        "time in weeks. The stretches she showed me actually fit into my day.",
        "",
    ),
    (
        "luis-echeverria",
        5,
        "Luis explained what was going on with my hip in plain words and worked firmly but "
        "never past what I could take. Evening appointments are a lifesaver for me.",
        "Thank you! See you on a Thursday evening soon.",
    ),
    (
        "hannah-kowalski",
        5,
        "First massage ever and I was nervous. Hannah checked in about pressure without making "
        "it awkward, and my headaches have been much better since.",
        "",
    ),
    (
        "maren-ostby",
        4,
        "Very calm, clean room and a thorough session for my lower back. Parking behind the "
        "building was easy. I only wish there were more early morning times.",
        "Thank you for the kind words. We have added earlier Monday slots since your visit.",
    ),
    (
        "hannah-kowalski",
        4,
        "My shoulders feel looser than they have in months. Gentle but precise, as promised.",
        "",
    ),
    (
        "luis-echeverria",
        5,
        "Straightforward, friendly and effective. My sciatica flare-up settled within two visits.",
        "",
    ),
]

# Two treatment rooms for three therapists: on a busy afternoon the rooms, not the team, set
# how many sessions can run at once.
ROOMS = [
    {
        "name": "Rimrock room",
        "slug": "rimrock-room",
        "features": ["face cradle table", "wheelchair accessible", "ground floor"],
        "preferred_by": ["maren-ostby"],
    },
    {
        "name": "Yellowstone room",
        "slug": "yellowstone-room",
        "features": ["face cradle table", "heated table"],
        "preferred_by": ["luis-echeverria"],
    },
]

CLIENTS = [
    {
        "name": "Margaret Halvorsen",
        "email": "margaret.halvorsen@example.com",
        "phone": "(406) 555-0107",
    },
    {"name": "Daniel Okafor", "email": "dan.okafor@example.net", "phone": "(406) 555-0163"},
    {"name": "Linda Marquez", "email": "lmarquez@example.org", "phone": "(406) 555-0118"},
    {"name": "Tom Bauer", "email": "tom.bauer@example.com", "phone": "(406) 555-0191"},
    {"name": "Priya Raman", "email": "priya.raman@example.net", "phone": "(406) 555-0125"},
    {"name": "Curtis Lindqvist", "email": "curtis.l@example.com", "phone": "(406) 555-0179"},
    {"name": "Evelyn Sato", "email": "evelyn.sato@example.org", "phone": "(406) 555-0134"},
    {"name": "Kevin O'Brien", "email": "kobrien@example.com", "phone": "(406) 555-0156"},
    {"name": "Hailey Johnson", "email": "hailey.j@example.net", "phone": "(406) 555-0102"},
    {"name": "Walter Schmidt", "email": "walt.schmidt@example.org", "phone": "(406) 555-0188"},
    {"name": "Ruth Andersen", "email": "ruth.andersen@example.com", "phone": "(406) 555-0147"},
    {"name": "Marcus Bell", "email": "marcus.bell@example.net", "phone": "(406) 555-0171"},
]

BOOKING_NOTES = [
    "Pain runs down my right leg when I sit for more than half an hour.",
    "First massage ever and a little nervous. Lighter pressure to start, please.",
    "Tight shoulders from long days at the computer. The left side is worse.",
    "Left hip replacement two years ago. My doctor says massage is fine.",
    "I get tension headaches most afternoons. Extra time on my neck would be great.",
    "Lying face down is hard for me. Could I lie on my side instead?",
    "I drive truck and sit 10 hours a day. Lower back and right hip are sore.",
    "Sore from shoveling the driveway this weekend, mostly my lower back.",
]

ARTICLES = [
    {
        "title": "How massage can help with sciatica",
        "slug": "how-massage-helps-sciatica",
        "category": "sciatica",
        "summary": (
            "Sciatic pain can make sitting, sleeping and walking hard. Here is how deep "
            "tissue work, myofascial release and trigger point therapy can help, and when "
            "to see a doctor first."
        ),
        "seo_title": "How Massage Helps Sciatica | Rimrock Massage",
        "seo_description": (
            "How deep tissue massage, myofascial release and trigger point therapy can "
            "ease sciatic pain, plus the warning signs that mean see a doctor first."
        ),
        "related_services": ["sciatica-relief-60", "sciatica-relief-90"],
        "author": "maren",
        "publish_offset_days": -60,
        "body": dedent(
            """\
            ## What sciatica actually is

            "Sciatica" is not a diagnosis on its own. It is a name for pain that follows the
            path of the sciatic nerve. This nerve runs from the lower back, through the buttock,
            and down the back of each leg.

            People describe it in different ways. It might be a deep ache in the buttock, a
            burning line down the thigh, or tingling in the calf or foot. For some, it is a
            sharp jolt when they stand up from a chair. It usually affects one side.

            Several things can irritate the nerve, including a bulging disc, narrowing around
            the spine, or tight muscles deep in the hip. Your doctor or physical therapist is
            the right person to find the cause. Massage will not fix a disc, but it can be a
            helpful part of feeling better.

            ## How massage can help

            When a nerve is irritated, the muscles around it often tighten to guard the area.
            That guarding adds its own layer of pain and stiffness. Massage works on that layer.

            After a session, many of our clients tell us they:

            - move more easily getting in and out of the car
            - can sit for longer before the ache starts
            - sleep more soundly
            - feel less worried about the pain

            Results vary from person to person, and we will never promise a quick fix. What we
            can promise is careful, attentive work.

            ## The techniques we use

            Each session is shaped by what you tell us on the day. Most sciatica sessions blend
            a few of these approaches.

            ### Deep tissue massage

            Deep tissue work uses slow, firm strokes to reach the deeper layers of muscle in the
            lower back, hips and legs. "Deep" does not mean painful. We work gradually and check
            in with you about pressure throughout.

            ### Myofascial release

            Fascia is the thin connective tissue that wraps around and through your muscles.
            When it stiffens, a whole area can feel tight and restricted. Myofascial release
            uses gentle, sustained pressure and slow stretching of the tissue. It feels calm and
            quiet, and it is a good choice on days when the pain is flared up.

            ### Trigger point therapy

            Trigger points are small, tender spots in a muscle that can send pain somewhere
            else. A trigger point in the buttock, for example, can feel as if the pain is coming
            from the back of the thigh. We hold steady pressure on these spots for a short time
            until they ease. You stay in charge. Tell us if it is too much, and we will lighten
            up.

            ### Gentle stretching and positioning

            Lying flat can be uncomfortable with sciatica. We use pillows and bolsters, and we
            are happy to work with you lying on your side. We may finish with a few easy,
            assisted stretches for the hips and hamstrings.

            ## How many sessions?

            Some people notice a change after one visit. For pain that has been around for a
            while, a short series often works better. For example, you might come once a week
            for three or four weeks, then talk with your therapist about what is helping.

            The 90-minute session gives extra time for the hips and legs. That is useful when
            pain runs below the knee or into the foot.

            ## When to see a doctor first

            Massage is safe for most people with sciatica. Some symptoms, though, need medical
            attention before anything else. Please contact your doctor, or seek urgent care, if
            you notice:

            - loss of bladder or bowel control
            - numbness in the groin, inner thighs or "saddle" area
            - numbness that is spreading, or weakness in a leg or foot
            - pain that started after a fall or accident
            - back pain with fever or unexplained weight loss

            If you are unsure, check with your doctor and then come see us. We are glad to work
            alongside your care team.

            ## Ready to try it?

            You can [book a 60-minute sciatica session](/book/sciatica-relief-60/). If your pain
            reaches below the knee, you may prefer to [book the 90-minute
            session](/book/sciatica-relief-90/). Questions first? Call us at (406) 555-0142.
            """
        ),
    },
    {
        "title": "The piriformis: a small muscle behind a lot of hip and leg pain",
        "slug": "piriformis-muscle-and-sciatic-pain",
        "category": "sciatica",
        "summary": (
            "A tight piriformis muscle deep in the buttock can press on the sciatic nerve. "
            "Learn the common signs, why it tightens, and how massage and gentle "
            "stretching can help."
        ),
        "seo_title": "Piriformis Muscle and Sciatic Pain | Rimrock",
        "seo_description": (
            "Learn how a tight piriformis muscle can cause sciatic-type buttock and leg "
            "pain, and how massage and gentle stretching can bring relief."
        ),
        "related_services": ["sciatica-relief-60", "sciatica-relief-90"],
        "author": "luis",
        "publish_offset_days": -45,
        "body": dedent(
            """\
            ## Meet the piriformis

            The piriformis is a small, pear-shaped muscle deep in the buttock. It runs from the
            base of the spine to the top of the thigh bone. Its job is to help turn the leg
            outward and to keep the hip steady when you walk, climb stairs or stand on one leg.

            It is not a big muscle, but it sits in a busy spot. The sciatic nerve passes right
            beneath it. In some people, the nerve even runs through it.

            ## How it can cause sciatic-type pain

            When the piriformis gets tight or irritated, it can press on the sciatic nerve. The
            result can feel a lot like sciatica that comes from the spine. You might feel an
            ache deep in the buttock, sometimes with pain, tingling or numbness down the back of
            the leg.

            This is often called piriformis syndrome. It is not always easy to tell apart from
            pain caused by a disc or another spinal problem. If your pain is new, severe or not
            improving, it is worth having a doctor or physical therapist take a look.

            ## Common signs

            People with a tight, irritated piriformis often notice:

            - a deep ache in one buttock, often near the middle of the cheek
            - pain that gets worse after sitting a long time, especially on a hard seat
            - discomfort climbing stairs or walking uphill
            - some relief when lying down or walking on flat ground
            - tenderness when pressing into the buttock

            ## Why it gets tight

            There are many possible reasons. These are the ones we hear about most in the
            clinic:

            - Long hours of sitting, at a desk or behind the wheel. Plenty of our clients drive
              long stretches of I-90 and I-94 for work.
            - Sitting on a thick wallet in a back pocket.
            - A sudden jump in activity, such as a new hiking habit, running or an exercise
              class.
            - A change in the way you walk after an injury to the foot, knee or back.
            - Guarding against pain somewhere else, such as the lower back.

            ## How massage can help

            The piriformis lies underneath the large gluteal muscles, so we work in layers. We
            start with broad, warming strokes over the hip and lower back. As the outer muscles
            relax, we can reach the deeper ones without pressing too hard.

            From there, we may use:

            - trigger point therapy, with steady pressure on tender spots until they ease
            - slow deep tissue strokes along the length of the muscle
            - myofascial release for the hip and outer thigh
            - gentle assisted stretches, moving your leg slowly while you relax

            We check in about pressure often. The piriformis can be very tender. Good work here
            may feel intense, but it should never feel sharp or electric. If you feel a zing
            down the leg, tell us right away so we can adjust.

            ## Easing it at home

            Between sessions, these habits can help keep the piriformis calmer:

            1. Get up and move every 30 to 45 minutes when you are sitting.
            2. Take your wallet out of your back pocket before you sit, especially in the car.
            3. Warm the area first with a heat pack for 10 to 15 minutes, with a cloth between
               the pack and your skin.
            4. Try a gentle figure-four stretch. Lie on your back with your knees bent. Cross
               one ankle over the opposite knee and let the crossed knee fall open. Hold for 20
               to 30 seconds, breathing slowly. Switch sides.

            Stretch only to a mild pull. If a stretch sends pain or tingling further down your
            leg, stop and let us or your doctor know.

            ## A word of caution

            Please see a doctor before booking a massage if you have weakness in your leg or
            foot, numbness that is spreading, or any loss of bladder or bowel control. These can
            be signs of a problem that needs medical care right away.

            ## Book a session

            Our [60-minute sciatica session](/book/sciatica-relief-60/) leaves plenty of time
            for careful hip work. If your lower back and the whole leg are involved, the
            [90-minute session](/book/sciatica-relief-90/) is a good fit.
            """
        ),
    },
    {
        "title": "Neck and shoulder pain from desk work",
        "slug": "neck-and-shoulder-pain-from-desk-work",
        "category": "neck-and-shoulder",
        "summary": (
            "Hours at a screen can leave your neck stiff and your shoulders up by your "
            "ears. Here is why it happens, how massage helps, and small desk changes that "
            "make a difference."
        ),
        "seo_title": "Neck & Shoulder Pain from Desk Work | Rimrock",
        "seo_description": (
            "Why desk work tightens your neck and shoulders, how massage can help, and "
            "simple desk changes and stretches to ease tension during the day."
        ),
        "related_services": ["neck-shoulder-30", "neck-shoulder-60"],
        "author": "hannah",
        "publish_offset_days": -30,
        "body": dedent(
            """\
            ## The desk-work pattern

            If you spend your day at a computer, you may know this feeling well. By
            mid-afternoon, your shoulders are creeping up toward your ears. The back of your
            neck feels stiff. Maybe a headache is starting.

            This is one of the most common reasons people come to see us. It does not mean
            anything is broken. Usually it means a few muscles have been doing the same job for
            too long.

            ## What is going on

            When we look at a screen, most of us slowly lean in. The head drifts in front of the
            shoulders. The upper back rounds, and the shoulders roll forward.

            Your head weighs about as much as a small bowling ball. When it sits over your
            shoulders, your spine carries it easily. When it drifts forward, the muscles at the
            back of your neck and upper back have to hold it up all day.

            The muscles that tend to complain most are:

            - the upper trapezius, which runs from the neck to the top of the shoulder
            - the levator scapulae, often felt as a knot where the neck meets the shoulder blade
            - the small muscles at the base of the skull, which can play a part in tension
              headaches
            - the chest muscles, which get short and tight when the shoulders round forward

            Stress adds to all of this. Many of us lift our shoulders when we are busy or
            worried, without noticing.

            ## How massage can help

            A neck and shoulder session focuses on the areas that work hardest at a desk. We
            typically use:

            - Swedish strokes to warm the tissue and help you settle in
            - trigger point therapy for knots along the shoulders and shoulder blades
            - myofascial release for the upper back and chest
            - gentle work at the base of the skull
            - slow, supported neck stretches while you relax

            Most people leave feeling looser, with more room to turn their head. Some notice
            fewer tension headaches when they come in regularly.

            Our 30-minute session is a focused reset that fits into a lunch break. The 60-minute
            session leaves time for the upper back, chest, arms and scalp as well.

            ## Small changes at your desk

            Massage helps most when it is paired with a few daily habits. You do not need fancy
            equipment.

            - Raise your screen so the top is about at eye level. A stack of books works fine.
            - Bring your keyboard and mouse close, so your elbows rest near your sides.
            - Sit back in your chair, with your feet flat on the floor or on a footrest.
            - If you use a laptop for long stretches, add a separate keyboard and raise the
              laptop.
            - Hold your phone closer to eye level instead of looking down at it.

            ## Move a little, often

            The best posture is your next one. Set a reminder to change position every 30
            minutes or so. Stand up, roll your shoulders back a few times, and look out the
            window at something far away. Your eyes will thank you too.

            Two quick stretches you can do at your desk:

            1. **Chin tuck.** Sit tall. Gently slide your chin straight back, as if making a
               double chin. Hold for 5 seconds. Repeat 5 times.
            2. **Shoulder blade squeeze.** Gently draw your shoulder blades back and down. Hold
               for 5 seconds, then relax. Repeat 5 to 10 times.

            Keep every stretch gentle. A mild pull is fine. Pain is not.

            ## When to check with a doctor

            Please see your doctor before booking a massage if your neck pain comes with:

            - numbness, tingling or weakness in your arms or hands
            - a sudden or severe headache that is unlike your usual ones
            - dizziness, changes in vision or trouble speaking
            - pain after a fall, car accident or other injury
            - fever, or a stiff neck along with feeling unwell

            ## Give your shoulders a break

            Ready for some relief? [Book a 30-minute neck and shoulder
            session](/book/neck-shoulder-30/) or [book the full 60
            minutes](/book/neck-shoulder-60/). Your shoulders will be glad you did.
            """
        ),
    },
    {
        "title": "Gentle stretches and posture habits for between sessions",
        "slug": "gentle-stretches-between-sessions",
        "category": "self-care",
        "summary": (
            "Five easy stretches and a handful of everyday posture habits to keep your "
            "back, hips, neck and shoulders feeling better between massage visits."
        ),
        "seo_title": "Gentle Stretches Between Massage Sessions",
        "seo_description": (
            "Five gentle stretches and simple posture habits for sitting, standing, "
            "sleeping and lifting to help your body feel better between massages."
        ),
        "related_services": ["sciatica-relief-60", "neck-shoulder-60"],
        "author": "luis",
        "publish_offset_days": -21,
        "body": dedent(
            """\
            ## Why the time between visits matters

            A massage can ease tight muscles and help you feel more at home in your body. But
            most of life happens between appointments. The way you sit, stand, sleep and move
            each day shapes how you feel.

            The good news is that small, steady habits make a real difference. You do not need a
            gym or special clothes. A few minutes a day is plenty.

            ## A few ground rules

            Before you start, keep these in mind:

            - Move slowly and breathe normally. Do not hold your breath.
            - Stretch to a gentle pull, never to pain.
            - Do not bounce.
            - If a stretch causes tingling, numbness or pain that travels down an arm or leg,
              stop.
            - If you have had recent surgery, a joint replacement or have osteoporosis, ask your
              doctor or physical therapist which stretches are right for you.

            ## Five gentle stretches

            These are simple, and most people can do them at home. Hold each one for 20 to 30
            seconds unless noted, and repeat two or three times.

            1. **Knee to chest.** Lie on your back with both knees bent. Bring one knee gently
               toward your chest, holding behind the thigh. Keep the other foot on the floor.
               Switch sides.
            2. **Figure-four hip stretch.** Lying on your back, cross one ankle over the
               opposite knee. Let the crossed knee fall open. For a little more stretch, gently
               draw the lower leg toward you. Switch sides.
            3. **Seated hamstring stretch.** Sit near the front of a sturdy chair. Straighten
               one leg with the heel on the floor and toes up. Lean forward from the hips,
               keeping your back long, until you feel the back of the thigh. Switch sides.
            4. **Doorway chest stretch.** Stand in a doorway with your forearms on the frame,
               elbows at shoulder height. Step one foot forward until you feel a stretch across
               the chest.
            5. **Chin tuck.** Sit or stand tall. Slide your chin straight back, keeping your
               eyes level. Hold for 5 seconds and repeat 5 to 10 times.

            If getting down to the floor is hard, try the first two stretches lying on your bed
            instead.

            ## Posture habits that help

            Good posture is not about holding yourself stiff and straight all day. It is about
            giving your body a fair share of different positions.

            ### Sitting

            - Sit all the way back in your chair with your lower back supported. A small rolled
              towel can help.
            - Keep your feet flat on the floor.
            - Get up every 30 to 45 minutes, even just to refill your water glass.

            ### Standing

            - Spread your weight evenly between both feet.
            - Keep your knees soft rather than locked.
            - If you stand for a long time, rest one foot on a low step and switch now and then.

            ### Sleeping

            - On your side, put a pillow between your knees to keep your hips level.
            - On your back, a pillow under your knees can ease the lower back.
            - Choose a pillow that keeps your neck in line with your spine.

            ### Lifting and carrying

            - Bend at your hips and knees, not at the waist.
            - Keep the load close to your body.
            - Turn with your feet instead of twisting your back.
            - Split heavy groceries into two lighter bags, one for each hand.

            ## Heat or ice?

            Many people find gentle heat soothing for tight, achy muscles. A warm shower or a
            heat pack for 15 to 20 minutes is a good place to start. Ice is more often used for
            fresh injuries and swelling.

            Always put a cloth between your skin and the pack. If you have diabetes, poor
            circulation or reduced feeling in your skin, check with your doctor before using
            heat or ice.

            ## Know when to get checked

            Stretching is for everyday stiffness. If you notice weakness in an arm or leg,
            numbness that keeps spreading, or any loss of bladder or bowel control, stop
            stretching and see a doctor promptly.

            ## We are here to help

            Your therapist can show you which of these stretches suit you best and adjust them
            to your body. Just ask at your next visit.

            If your lower back and hips are the trouble spot, [book a sciatica
            session](/book/sciatica-relief-60/). For a tight neck and shoulders, [book a neck
            and shoulder session](/book/neck-shoulder-60/).
            """
        ),
    },
    {
        "title": "What to expect at your first visit",
        "slug": "what-to-expect-at-your-first-visit",
        "category": "your-visit",
        "summary": (
            "New to massage, or new to us? Here is a friendly, step-by-step look at your "
            "first visit, from the online health form to checking in about pressure."
        ),
        "seo_title": "Your First Massage Visit | Rimrock Massage",
        "seo_description": (
            "What to wear, when to arrive, and how the health form, draping and pressure "
            "check-ins work at your first visit to Rimrock Massage & Bodywork in Billings."
        ),
        "related_services": [
            "sciatica-relief-60",
            "sciatica-relief-90",
            "neck-shoulder-30",
            "neck-shoulder-60",
        ],
        "author": "maren",
        "publish_offset_days": -10,
        "body": dedent(
            """\
            ## Welcome to Rimrock Massage & Bodywork

            Trying a new massage clinic can bring up a few questions. What should I wear? Do I
            have to undress? What if the pressure is too much?

            This guide walks you through a first visit, step by step, so you know just what to
            expect.

            ## Before you arrive

            - **Book online or by phone.** Choose your service, therapist and time online, or
              call us at (406) 555-0142.
            - **Find us.** We are at 2815 Montana Avenue, Suite 200, in downtown Billings.
            - **Wear comfortable clothes.** Loose, easy clothing makes it simple to change.
            - **Eat lightly.** A light snack an hour or two before is better than a big meal.
            - **Fill in your health form online.** When you book, we email you a link to it; the
              link is also on your booking's page and in [My bookings](/my/). It takes about 5
              minutes, and your answers are saved as you go, so you can stop and come back.
            - **Arrive a few minutes early.** This gives you time to settle in.

            ## The health form and conversation

            Before your first visit, our health form asks about your current pain, past
            injuries, surgeries, medications and health conditions. This helps your therapist
            plan a session that is safe and useful for you. If anything in it is hard to
            answer, or you have trouble with the link, just call us at (406) 555-0142.

            At your visit, your therapist will sit down with you for a few minutes. They will ask about:

            - where you feel pain or tension, and what makes it better or worse
            - what you hope to get out of the session
            - how much pressure you usually like
            - any areas you would rather we avoid

            What you share stays private. If you are seeing a doctor, chiropractor or physical
            therapist, let us know. We are glad to fit in with their advice.

            ## Getting comfortable

            Your therapist will leave the room while you get ready. You undress only to your
            comfort level. Many people keep their underwear on, and some prefer to stay in
            shorts and a T-shirt. Both are fine.

            You will lie on a padded table under a sheet and blanket. Only the area being worked
            on is uncovered at any time. Your therapist will knock before coming back in.

            If lying face down or flat on your back is hard for you, just tell us. We have
            pillows and bolsters, and we can work with you lying on your side or even sitting
            up.

            ## During the session

            Your therapist will check in about pressure, especially early on. You can speak up
            at any time, for any reason. For example:

            - "A little lighter, please."
            - "You can go deeper there."
            - "I'm a bit cold."
            - "Could we skip my feet today?"

            You will never hurt our feelings. A good session is a conversation, even when it is
            a quiet one.

            Some people like to chat. Others prefer to close their eyes and rest. Either way is
            perfectly fine.

            ## After the session

            Your therapist will step out so you can get up slowly and dress. Take your time.
            Some people feel a little light-headed after lying down for a while.

            Afterward, your therapist may share what they noticed and suggest a stretch or two
            to try at home. Then you can pay and, if you like, book your next visit before you
            leave.

            It is normal to feel a little tender the next day, much like after a good workout.
            Drinking water, gentle movement and a warm shower can all help. If soreness lasts
            more than a couple of days, let us know so we can adjust next time.

            ## A few health notes

            Please tell us before your visit if you are pregnant, have had recent surgery, have
            a history of blood clots, take blood thinners, or have a fever or skin infection. We
            may suggest adjusting the session or waiting a little while.

            If you have new numbness, weakness in an arm or leg, or any loss of bladder or bowel
            control, please see a doctor first. Those symptoms need medical attention.

            ## Ready when you are

            Not sure which session to choose? The [60-minute sciatica
            session](/book/sciatica-relief-60/) is a good start for lower back, hip and leg
            pain. For tension above the waist, try the [60-minute neck and shoulder
            session](/book/neck-shoulder-60/). We look forward to meeting you.
            """
        ),
    },
    {
        "title": "Snow shoveling and winter tension: caring for your back this season",
        "slug": "winter-snow-shoveling-back-and-shoulders",
        "category": "self-care",
        "summary": (
            "Billings winters bring heavy snow and cold that tightens shoulders. Tips for "
            "shoveling safely, easing winter aches at home, and knowing when to see a "
            "doctor."
        ),
        "seo_title": "Snow Shoveling and Winter Back Pain | Billings",
        "seo_description": (
            "Shovel snow without straining your back, ease cold-weather neck and shoulder "
            "tension, and learn when winter aches need a doctor. Tips from Billings."
        ),
        "related_services": ["sciatica-relief-90", "sciatica-relief-60", "neck-shoulder-60"],
        "author": "hannah",
        "publish_offset_days": 5,
        "body": dedent(
            """\
            ## Winter is hard on backs

            Billings winters keep us on our toes. One day a chinook wind melts everything in
            sight. The next, a cold front drops six inches of snow on the driveway before work.

            Every winter we see the same pattern in the clinic: sore lower backs, stiff
            shoulders and necks that will not turn. Often it starts with a morning of shoveling,
            or with weeks of hunching against the cold.

            Here is how to look after your body this season.

            ## Why shoveling is harder than it looks

            Shoveling snow is real exercise. A full shovel of wet, heavy snow can weigh 15
            pounds or more, and many of us lift dozens of loads in a row. Add cold muscles,
            slick footing, and a lot of bending and twisting, and it is easy to see why backs
            complain.

            Common strains come from:

            - lifting with a rounded back
            - twisting to toss snow over one shoulder
            - reaching out with straight arms to move a heavy load
            - shoveling for a long time without a break
            - starting cold, straight out of a warm house

            Shoveling is also hard work for the heart. If you have heart disease, high blood
            pressure or other health concerns, talk with your doctor before you shovel, and do
            not be shy about asking for help.

            ## Shovel smarter

            A few simple changes can save your back:

            1. **Warm up first.** March in place, roll your shoulders and swing your arms gently
               for five minutes.
            2. **Dress in layers.** Warm muscles move more easily. Wear boots with good grip.
            3. **Push, don't lift.** Use the shovel like a plow whenever you can.
            4. **Lift small loads.** Fill the shovel only partway, especially with wet snow.
            5. **Bend your knees.** Keep the shovel close and lift with your legs.
            6. **Step, don't twist.** Turn your feet toward where you want the snow to go.
            7. **Take breaks.** Every 10 to 15 minutes, stand tall and catch your breath.
            8. **Go early and often.** Clearing a few inches twice is easier than a foot all at
               once.

            A shovel with a curved or adjustable handle can also help you stay more upright.

            ## Cold-weather tension

            Even if you never touch a shovel, winter can leave you tense. In the cold, we pull
            our shoulders up toward our ears and hunch forward. We tiptoe across icy parking
            lots, bracing with our whole body. Shorter days can mean more hours sitting indoors,
            too.

            Over a few weeks, this can leave the neck, upper back and shoulders tight and sore.
            Some people notice more tension headaches in winter as well.

            ## Easing winter aches at home

            - Take a warm shower, or use a heat pack on sore muscles for 15 to 20 minutes.
            - Try gentle stretches such as knee to chest and chin tucks.
            - Keep moving indoors. A few laps around the house or a walk at the mall counts.
            - Drink water. Dry winter air can leave us more dehydrated than we think.
            - Wear a scarf. A warm neck makes it easier to let your shoulders drop.

            ## How massage can help after a hard winter day

            A massage can be a welcome reset after a season of shoveling and shivering. For a
            strained lower back, we focus on the muscles along the spine, the hips and the
            hamstrings. For winter shoulders, we work on the neck, upper back and chest, which
            tighten when we hunch against the cold.

            Many clients like to book a session after the first big storm, then every few weeks
            until spring.

            ## When to get checked first

            Please see a doctor, not a massage therapist, if you have:

            - sudden, severe back pain after lifting or a fall on the ice
            - pain, numbness or tingling down a leg that is getting worse or spreading
            - weakness in a leg or foot
            - any loss of bladder or bowel control

            If you have chest pain, shortness of breath or dizziness while shoveling, stop and
            call 911 right away.

            ## Book your winter reset

            Sore after shoveling? Our [90-minute sciatica session](/book/sciatica-relief-90/)
            gives your lower back, hips and legs plenty of attention. For stiff, cold shoulders,
            try the [60-minute neck and shoulder session](/book/neck-shoulder-60/). Stay warm,
            and take it easy out there.
            """
        ),
    },
]
