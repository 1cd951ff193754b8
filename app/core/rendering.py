"""One PDF render at a time per process.

reportlab's registered TrueType fonts are process-wide objects that each render
mutates (``TTFont.makeSubset`` keeps the subset being built on the font), so two
renders in two threads of one worker corrupt each other (``IndexError`` in
makeSubset under a threaded server). Every reportlab document build, and anything
else that lays out text with the registered fonts, runs under this lock; workers
(processes) still render in parallel.
"""
import threading

PDF_RENDER_LOCK = threading.RLock()
