"""The console's one security layer (ARCHITECTURE rule 11): every network module builds its
TLS contexts here (:mod:`vxacq.security.tls`)."""
