"""Workshop tools, a front end: blank response sheets (``template``) and one person
answering at the terminal (``take``).
"""
