"""The ingest on a work queue: the same stages as in-process, as dramatiq actors on Redis.

Message flow of one job (``broker = "redis://…"``)::

  producer                  read the inputs (bad files → quarantine), put every page image in
  (sohoa ingest / watch)    the blob store, write the job on the board (``jobboard``), send one
                            analyze_page message per page: provenance + blob SHA-256, no bytes
  analyze_page(job, n, p)   stage cache hit, or blob → analyze_page → stage cache (catalog);
                            board: page n done; whoever completes the job's pages → split_job
  split_job(job)            cached analyses in scan order → dossiers → one store_dossier each
  store_dossier(job, d, …)  draft, PDF/A, sign, store_document (one transaction, keyed by the
                            pages' SHA-256s); board: dossier d done; the last one → close_job
  close_job(job)            inputs' outcomes, sync_index, finish_job in the catalog; board done
  give_up(message, …)       a message that will not succeed: what it held goes to quarantine
                            (or the job is marked failed), so the job still ends

Modules: ``broker`` (Redis, the broker and its middleware), ``policy`` (when a message gives
up: the middleware), ``messages`` (a page in a message), ``actors`` (the actors, thin over
``stages``), ``producer``, ``follower`` (progress of a job), ``status`` (``sohoa status``),
``workers`` (``sohoa worker``: processes and their supervision).

Exactly once: a message is acknowledged only after its actor returned, so a worker killed
mid-stage leaves its message unacknowledged, and Redis hands it to another worker once the dead
one's heartbeat is ``queue.heartbeat_s`` old. Every effect is idempotent under that redelivery:
page analyses are upserts keyed by the page SHA-256, documents are unique by document key (one
catalog transaction: a kill before the commit leaves only unreferenced blobs), board marks are
set members and first-write-wins hash fields, and a stage sent twice finds its work done.
"""
