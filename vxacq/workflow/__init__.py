"""The radiographer's workflow, headless: what the console window and ``vxacq exam`` drive.

The API (stable; the GUI is a thin layer over it):

Orders — :mod:`vxacq.workflow.orders`
    ``list_orders(db, *, text="", date="", states=ACTIVE) -> list[OrderView]`` (STAT/HIGH first),
    ``find_order(db, accession) -> OrderView | None``, ``get_order(db, order_id) -> OrderView``,
    ``validate_manual(ManualPatient, character_set) -> dict[field, problem]``,
    ``register_manual(db, ManualPatient, *, character_set) -> OrderView`` (raises
    ``ValidationError`` whose ``problems`` maps each field to what is wrong),
    ``register_emergency(db, station_ae, *, name_pattern="TRAUMA^{n}", character_set)
    -> OrderView`` (a new unidentified patient, ID ``EMR-<AE>-<yyyymmdd>-<n>``),
    ``next_emergency_id(db, station_ae)``, ``is_emergency(OrderView)``,
    ``find_by_scan(db, scanned) -> list[OrderView]`` (exact accession, else patient ID, else
    requested procedure ID).
    The worklist itself is fetched by ``runtime.refresh_worklist`` (over
    ``vxacq.net.worklist.query_and_sync``).

Reconciliation — :mod:`vxacq.workflow.reconcile`
    ``unscheduled_exams(db, *, closed_only=False) -> list[UnscheduledExam]``,
    ``reconcile(config, db, study_id, order_id, *, operator="") -> ReconcileResult`` (objects
    corrected, the database switched and audited, then store and MPPS jobs queued; raises
    ``ReconcileError`` changing nothing).

Protocols — :mod:`vxacq.workflow.procedures` (``vxacq/resources/procedures.toml``)
    ``protocols_for(code_value, *descriptions) -> list[str]``, ``laterality_for(*descriptions)``,
    ``emergency_protocols() -> list[str]`` (a supine chest AP, else a chest AP, else a chest).

Reject reasons — :mod:`vxacq.workflow.reasons` (CID 7011 + ``vxacq/resources/reject_reasons.toml``)
    ``reject_reasons() -> list[RejectReason(key, code, local)]``, ``reject_code(key) -> Code``.

The exam — :mod:`vxacq.workflow.exam` (types in ``exam_types``; its parts in ``exam_processing``,
``exam_closing`` and ``performed_step``)
    ``Exam.start(config, db, order_id, *, operator="", protocols=None) -> Exam``
    ``Exam.reopen(config, db, study_id, *, operator="", protocols=None) -> Exam`` (appended step)
    ``Exam.resume(config, db, study_id, *, operator="") -> Exam`` (an open study after a restart)
    ``exam.study_id``, ``exam.performed_step_id``, ``exam.state`` (ExamState open/closed),
    ``exam.patient``, ``exam.order`` (None when unscheduled), ``exam.study``,
    ``exam.protocols -> list[Protocol]``, ``exam.laterality`` (from the order, settable),
    ``exam.add_protocol(id)``, ``exam.remove_protocol(id)``,
    ``exam.expose(protocol_id, *, laterality=None, kv=None, mas=None, sid_mm=None, faults=(),
    time_scale=None, seed=None) -> ImageView`` (raises ExposureError when no frame was stored),
    ``exam.images() -> list[ImageView]``, ``exam.image(id)``, ``exam.processed_image(id)``
    (the ProcessedImage for review, or None),
    ``exam.accept(image_id, *, confirm_partial=False)`` (a partial exposure, ``view.partial``,
    needs the confirmation), ``exam.reject(image_id, reason)``,
    ``exam.file_recovered(result)`` (a recovered frame filed as its exposure),
    ``exam.retake(image_id, reason, **expose_options)``,
    ``exam.reprocess(image_id, protocol_id=None, **display_options) -> ImageView``,
    ``exam.close(*, print_node=None, layout=None) -> CloseResult`` (MPPS COMPLETED),
    ``exam.discontinue(reason) -> CloseResult`` (MPPS DISCONTINUED, CID 9300 key or Code),
    ``exam.subscribe(callback(ExamEvent)) -> unsubscribe``.
    Errors: ``ExamError`` (message says what to do), ``ExposureError(ExamError)`` with ``result``.

Frames left in the panel — :mod:`vxacq.workflow.recovery`
    ``pending_exposures(config) -> list[PendingExposure]`` (no exposure is made while any),
    ``recover(config, db, *, room=None, exam=None, operator="") -> list[Recovered(uid,
    protocol, ok, message, study_id, image, result)]`` (each frame filed under the exam it was
    taken for), ``discard(config, db, uid, reason, *, operator="")`` (audited).

History — :mod:`vxacq.workflow.history`
    ``search_exams(db, text="", date_from="", date_to="") -> list[ExamSummary]`` (names
    matched as :mod:`vxacq.workflow.search` folds them),
    ``image_status(db, study_id) -> list[ImageStatus(SOPInstanceUID, SOPClassUID, state,
    file_path, sent={node: word}, committed={node: word}, ProtocolName, Modality, Laterality,
    acquired_at, reject_reason)]`` (``is_rejection_note`` for a KO row), ``thumbnail_pixels(path, size=96) -> uint8 array | None``,
    ``resend(config, db, study_id) -> list[job ids]``. A status column stays current by
    calling ``image_status`` when ``Services.outbox.subscribe(callback(JobView))`` reports a
    job of the study, and every few seconds while a commitment is ``pending`` (the answer may
    come later, on the listener, without a job changing).

After sending (IHE IOCM) — :mod:`vxacq.workflow.rejection`, :mod:`vxacq.workflow.refile`
    ``reject_sent(config, db, image_id, reason, *, operator="") -> RejectionResult(image_id,
    study_id, SOPInstanceUID, title, note_path, note_uid, store_jobs, mpps_corrected,
    mpps_unchanged)`` (rejection note to every node the image went to; an MPPS N-SET not yet
    taken by the RIS corrected), ``image_id_for(db, sop_instance_uid)``;
    ``move_to_order(config, db, study_id, order_id, *, image_ids=None, operator="") ->
    MoveResult`` (images filed under the wrong order filed again under the right one, the
    wrong ones withdrawn with 113038). Errors: ``RejectionError``, ``RefileError``.

Media — :mod:`vxacq.workflow.media`
    ``export_media(db, to, *, study_uids=(), files=(), deidentify_objects=False, operator="")
    -> ExportResult`` (STD-GEN-USB/CD file set with a DICOMDIR), ``read_media(folder) ->
    (list[MediaStudy], list[MediaProblem])``, ``import_studies(config, db, folder, study_uids,
    *, node=None, operator="") -> ImportResult`` (priors under ``data_dir/priors`` or a STORE
    job), ``check_media_file(path) -> Dataset``. Errors: ``MediaError``.

Search — :mod:`vxacq.workflow.search`
    ``normalise(text)``, ``matches(query, *values)``, ``search(items, query, fields)``,
    ``filter_orders(orders, query)``: case-, accent- and script-insensitive (``garcia`` finds
    GARCÍA, ``иван`` ИВАНОВ, ``τραυμα`` ΤΡΑΎΜΑ).

Service — :mod:`vxacq.workflow.station`, :mod:`vxacq.workflow.calibration`,
:mod:`vxacq.workflow.priors`
    ``echo_node(config, node) -> EchoResult`` (ends within the node's connect timeout),
    ``list_jobs(config, db, view="attention"|"failed"|"all", limit=QUEUE_PAGE)
    -> list[JobRow(job, node_known)]`` (failed first, then newest),
    ``queue_counts(db) -> (waiting, failed)``, ``retry_job(config, db, id, user=)`` and
    ``cancel_job(db, id, user=) -> ActionOutcome(job, message)`` (what was actually done),
    ``apply_config(services, changed) -> words`` (saved and in effect without a restart),
    ``fault_catalogue()``, ``parse_fault(spec)``;
    ``calibration_status(config)``, ``calibrate(config, ...)``, ``can_calibrate(config)``,
    ``detector_id(model)``; ``find_priors(config, PatientID, exclude_study="") ->
    PriorsAnswer(priors=[Prior(study, node)], errors, asked)``.

Running it — :mod:`vxacq.workflow.runtime`
    ``Services(config, db)`` starts/stops the outbox and the listener that takes storage
    commitment reports; ``services.follow_config()`` after the configuration changed in place;
    ``refresh_worklist(config, db, dates="today", *, modality="DX", cancel=None)
    -> {node: outcome in words}``; ``fetch_order(config, db, accession) -> OrderView | None``;
    ``run_exam(config, db, services, accession, protocols, *, laterality=None, operator="",
    timeout=120) -> ExamRun`` is the whole headless exam ``vxacq exam`` runs;
    ``wait_for_jobs(db, outbox, study_id, timeout) -> list[str]`` (what is not done, in words).

The station, for the window — :mod:`vxacq.workflow.station`, :mod:`vxacq.workflow.display`,
:mod:`vxacq.workflow.closing`
    ``open_database(data_dir)``, ``RoomSession``/``RoomStatus``/``HandSwitch``,
    ``preload_calibrations(config)``, ``operator_name_problem(name, character_set) -> str``,
    ``queue_summary(db) -> QueueSummary(waiting, failed)``;
    ``read_stored_image(path) -> StoredImage``, ``block_mean``/``factor_for`` (binning);
    ``discontinuation_reasons() -> [(key, meaning)]``, ``FILM_LAYOUTS``, ``Layout``.
    ``procedures`` re-exports ``Protocol`` and ``load_protocols``.

The demo (``vxacq demo``, outside this package) — ``hardware_sim.department.DemoDepartment(
    folder, console_ae, console_port, *, ris_port=0, pacs_port=0, printer_port=0,
    detector_model="DR4343", time_scale=1.0)`` with ``start()``, ``stop()``, ``nodes()``,
    ``console_config(config) -> Config`` (nodes and simulator URLs filled in); the command's
    ``demo_config(folder)``, ``department(folder, config)`` and ``ensure_calibrated(config)``.

Nothing here sends anything itself: jobs go to the outbox (``vxacq.net.outbox``), which the
caller runs. Every step is in the exam database before the next starts. Exam methods are
thread-safe and serialised per exam; observers are called on the thread that made the change.
:mod:`vxacq.workflow.acquisition` is the glue from a stored exposure to its DICOM image.
"""
