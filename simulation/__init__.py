"""povsim: a Mesa agent-based model of Indonesian households and employers.

The model (:class:`simulation.model.PovertyModel`) simulates, month by month from March 2021,
how the labour market, households' consumption and (in later versions) the Kemnaker levers move
extreme poverty against the Inpres 4/2022 target. See README.md.
"""
