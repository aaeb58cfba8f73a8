"""Stage 4, advice: stay or move up, and the actions that the results call for.

``answers`` reads the small instruments (situation, checklist, funnel); ``recommend``
evaluates the rules against the assessment and those answers.
"""
