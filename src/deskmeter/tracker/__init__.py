"""The tracker (the seed's dmcore): workspace sources feed events to one ``Tracker`` loop."""
