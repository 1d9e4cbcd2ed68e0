"""Plain mode: `preflight quick` walks the packs one prompt at a time in the scrolling terminal.

`prompts` builds one questionary prompt per question kind (with back, skip and quit), `walk`
runs the loop over a Session, `lines` formats what is printed (gate changes, the verdict), and
`answerfile` applies an answer file without prompting. Nothing here imports Textual.
"""
