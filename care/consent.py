"""The clinic's first consent text (version 1); the owner publishes later versions in the admin."""

FIRST_CONSENT_TEXT = """\
I ask for massage therapy at Rimrock Massage & Bodywork. My therapist will explain what they \
plan to do and check with me before and during the session. I can ask for lighter or firmer \
pressure, ask for an area to be left alone, or stop the session at any time.

I understand that massage is not a substitute for medical care: my therapist does not diagnose \
illness or prescribe medicine. I will keep seeing my doctor for any medical condition, and the \
clinic may ask for my doctor's advice before treating me.

My answers on this form are true as far as I know. I will tell my therapist before a session if \
my health, my medication or a pregnancy has changed.

I understand that some soreness for a day or two after deep tissue or trigger point work is \
common, and that I should call the clinic if anything worries me afterwards.

I stay covered with a sheet; only the area being worked on is uncovered, and only with my \
agreement. I may bring a chaperone or ask for one.

My answers are kept private and encrypted. Only the therapists who treat me and the clinic's \
owner can read them, and every reading is recorded. I can ask for a copy of my record, or for it \
to be erased where the law allows."""
