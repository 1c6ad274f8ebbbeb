"""The exam session: select order, start (MPPS IN PROGRESS), expose, accept/reject, close."""
