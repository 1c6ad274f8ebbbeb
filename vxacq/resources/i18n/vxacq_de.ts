<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>AccountsTab</name>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>Anzeigename</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>Rollen</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Family^Given</source>
        <translation>Nachname^Vorname</translation>
    </message>
    <message>
        <source>optional, 4+ digits</source>
        <translation>optional, ab 4 Ziffern</translation>
    </message>
    <message>
        <source>radiographer</source>
        <translation>MTR</translation>
    </message>
    <message>
        <source>service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Add account</source>
        <translation>Konto anlegen</translation>
    </message>
    <message>
        <source>Set password of selected</source>
        <translation>Passwort des gewählten setzen</translation>
    </message>
    <message>
        <source>Disable selected</source>
        <translation>Gewähltes sperren</translation>
    </message>
    <message>
        <source>Enable selected</source>
        <translation>Gewähltes freigeben</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>gesperrt</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>blockiert</translation>
    </message>
    <message>
        <source>enabled</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>Account {user} added.</source>
        <translation>Konto {user} angelegt.</translation>
    </message>
    <message>
        <source>Password of {user} changed.</source>
        <translation>Passwort von {user} geändert.</translation>
    </message>
    <message>
        <source>Account {user} disabled.</source>
        <translation>Konto {user} gesperrt.</translation>
    </message>
    <message>
        <source>Account {user} enabled.</source>
        <translation>Konto {user} freigegeben.</translation>
    </message>
</context>
<context>
    <name>BodyPartDialog</name>
    <message>
        <source>Add protocol</source>
        <translation>Protokoll hinzufügen</translation>
    </message>
</context>
<context>
    <name>BodyPartPicker</name>
    <message>
        <source>Head</source>
        <translation>Kopf</translation>
    </message>
    <message>
        <source>Neck / C-spine</source>
        <translation>Hals / HWS</translation>
    </message>
    <message>
        <source>Chest</source>
        <translation>Thorax</translation>
    </message>
    <message>
        <source>Shoulder / Arm</source>
        <translation>Schulter / Arm</translation>
    </message>
    <message>
        <source>Hand / Wrist</source>
        <translation>Hand / Handgelenk</translation>
    </message>
    <message>
        <source>Abdomen</source>
        <translation>Abdomen</translation>
    </message>
    <message>
        <source>Spine</source>
        <translation>Wirbelsäule</translation>
    </message>
    <message>
        <source>Pelvis / Hip</source>
        <translation>Becken / Hüfte</translation>
    </message>
    <message>
        <source>Leg</source>
        <translation>Bein</translation>
    </message>
    <message>
        <source>Knee</source>
        <translation>Knie</translation>
    </message>
    <message>
        <source>Ankle / Foot</source>
        <translation>Sprunggelenk / Fuß</translation>
    </message>
    <message>
        <source>Breast (MG)</source>
        <translation>Brust (MG)</translation>
    </message>
    <message>
        <source>Choose a body region</source>
        <translation>Körperregion wählen</translation>
    </message>
    <message>
        <source>{region}: choose a view</source>
        <translation>{region}: Projektion wählen</translation>
    </message>
    <message>
        <source>side asked</source>
        <translation>Seite wird abgefragt</translation>
    </message>
    <message>
        <source>{name}
{kv} kV · {mas} mAs · EI target {ei}</source>
        <translation>{name}
{kv} kV · {mas} mAs · EI-Zielwert {ei}</translation>
    </message>
</context>
<context>
    <name>CloseDialog</name>
    <message>
        <source>Close the exam</source>
        <translation>Untersuchung abschließen</translation>
    </message>
    <message>
        <source>{accepted} accepted, {rejected} rejected, {unreviewed} not reviewed.</source>
        <translation>{accepted} angenommen, {rejected} verworfen, {unreviewed} nicht geprüft.</translation>
    </message>
    <message>
        <source>{accepted} accepted, {rejected} rejected.</source>
        <translation>{accepted} angenommen, {rejected} verworfen.</translation>
    </message>
    <message>
        <source>Complete — MPPS COMPLETED, accepted images and the dose report sent</source>
        <translation>Abschließen — MPPS COMPLETED, angenommene Bilder und Dosisbericht werden gesendet</translation>
    </message>
    <message>
        <source>Discontinue — MPPS DISCONTINUED with a reason</source>
        <translation>Abbrechen — MPPS DISCONTINUED mit Grund</translation>
    </message>
    <message>
        <source> Review every image before completing.</source>
        <translation> Vor dem Abschließen jedes Bild prüfen.</translation>
    </message>
    <message>
        <source> Nothing is accepted.</source>
        <translation> Es ist kein Bild angenommen.</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>Drucken</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>Drucker</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>Layout</translation>
    </message>
    <message>
        <source>Close exam</source>
        <translation>Untersuchung abschließen</translation>
    </message>
</context>
<context>
    <name>DecisionBox</name>
    <message>
        <source>Review</source>
        <translation>Bildprüfung</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Annehmen</translation>
    </message>
    <message>
        <source>Choose a reason…</source>
        <translation>Grund wählen…</translation>
    </message>
    <message>
        <source>{meaning} (local)</source>
        <translation>{meaning} (lokal)</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Reject + retake</source>
        <translation>Verwerfen + wiederholen</translation>
    </message>
    <message>
        <source>as {name}</source>
        <translation>als {name}</translation>
    </message>
    <message>
        <source>Re-process</source>
        <translation>Neu verarbeiten</translation>
    </message>
    <message>
        <source>Choose the reason first</source>
        <translation>Zuerst den Grund wählen</translation>
    </message>
</context>
<context>
    <name>DetectorTab</name>
    <message>
        <source>Take dark and flat-field frames and calibrate</source>
        <translation>Dunkel- und Hellbilder aufnehmen und kalibrieren</translation>
    </message>
    <message>
        <source>Detector calibration</source>
        <translation>Detektorkalibrierung</translation>
    </message>
    <message>
        <source>value (default if empty)</source>
        <translation>Wert (leer: Standard)</translation>
    </message>
    <message>
        <source>Inject</source>
        <translation>Auslösen</translation>
    </message>
    <message>
        <source>Clear all faults</source>
        <translation>Alle Fehler löschen</translation>
    </message>
    <message>
        <source>Ask the room now</source>
        <translation>Raumstatus jetzt abfragen</translation>
    </message>
    <message>
        <source>Simulator fault injection (QA)</source>
        <translation>Fehler im Simulator auslösen (QS)</translation>
    </message>
    <message>
        <source>Fault</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>{model}: {state}</source>
        <translation>{model}: {state}</translation>
    </message>
    <message>
        <source>Calibrating: dark frames, then flat-field frames…</source>
        <translation>Kalibrierung: Dunkelbilder, dann Hellbilder (Flat-Field)…</translation>
    </message>
    <message>
        <source>Calibrated: {n} defect pixels; saved to {path}</source>
        <translation>Kalibriert: {n} defekte Pixel; gespeichert unter {path}</translation>
    </message>
    <message>
        <source>Calibration failed: {reason}; the previous calibration stays in use</source>
        <translation>Kalibrierung fehlgeschlagen: {reason}; die bisherige Kalibrierung bleibt in Gebrauch</translation>
    </message>
    <message>
        <source>Injected {spec}.</source>
        <translation>{spec} ausgelöst.</translation>
    </message>
    <message>
        <source>Faults cleared.</source>
        <translation>Fehler gelöscht.</translation>
    </message>
</context>
<context>
    <name>DoseNotificationDialog</name>
    <message>
        <source>Dose notification</source>
        <translation>Dosishinweis</translation>
    </message>
    <message>
        <source>This exposure would pass a dose notification level.</source>
        <translation>Diese Aufnahme würde einen Dosis-Hinweiswert überschreiten.</translation>
    </message>
    <message>
        <source>Reason for exposing (recorded with the exam):</source>
        <translation>Grund für die Aufnahme (wird mit der Untersuchung gespeichert):</translation>
    </message>
    <message>
        <source>e.g. patient habitus, repeat for motion</source>
        <translation>z. B. Körperbau, Wiederholung wegen Bewegung</translation>
    </message>
    <message>
        <source>Confirm and expose</source>
        <translation>Bestätigen und auslösen</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>{protocol}: this exposure {projected} — exposure level {level} ({source}); exam total so far {total}</source>
        <translation>{protocol}: diese Aufnahme {projected} — Hinweiswert je Aufnahme {level} ({source}); Untersuchung bisher {total}</translation>
    </message>
    <message>
        <source>{protocol}: exam total would be {after} (so far {total}, this exposure {projected}) — exam level {level} ({source})</source>
        <translation>{protocol}: Untersuchung gesamt würde {after} (bisher {total}, diese Aufnahme {projected}) — Hinweiswert je Untersuchung {level} ({source})</translation>
    </message>
    <message numerus="yes">
        <source>≥ {total} (%n exposure(s) without DAP)</source>
        <translation>
            <numerusform>≥ {total} (%n Aufnahme ohne DFP)</numerusform>
            <numerusform>≥ {total} (%n Aufnahmen ohne DFP)</numerusform>
        </translation>
    </message>
    <message>
        <source>≥ {after}</source>
        <translation>≥ {after}</translation>
    </message>
</context>
<context>
    <name>ExamEnding</name>
    <message>
        <source>An exposure is in progress in this exam.</source>
        <translation>In dieser Untersuchung läuft eine Belichtung.</translation>
    </message>
    <message>
        <source>A frame is still in the panel, not stored yet: {what}
Recover it first, or suspend this exam: the frame stays in the panel and is recovered into the exam it was taken for later.</source>
        <translation>Ein Bild ist noch im Detektor und nicht gespeichert: {what}
Zuerst holen oder diese Untersuchung unterbrechen: Das Bild bleibt im Detektor und wird später in die Untersuchung übernommen, für die es aufgenommen wurde.</translation>
    </message>
    <message>
        <source>The image of an exposure of this exam is still in the panel (its transfer failed): {what}.
Recover it first (Recover the frame from the panel), or suspend the exam: the frame stays in the panel and is recovered into this exam later, even while another exam is on screen.</source>
        <translation>Das Bild einer Aufnahme dieser Untersuchung ist noch im Detektor (die Übertragung ist fehlgeschlagen): {what}.
Zuerst holen (Bild aus dem Detektor holen) oder die Untersuchung unterbrechen: Das Bild bleibt im Detektor und wird später in diese Untersuchung übernommen, auch während eine andere Untersuchung angezeigt wird.</translation>
    </message>
    <message>
        <source>{n} image(s) of this exam are not reviewed yet.</source>
        <translation>{n} Bild(er) dieser Untersuchung sind noch nicht geprüft.</translation>
    </message>
    <message>
        <source>Cannot read the exam summary: {error}</source>
        <translation>Die Untersuchungsübersicht kann nicht gelesen werden: {error}</translation>
    </message>
    <message>
        <source> and a print job</source>
        <translation> und ein Druckauftrag</translation>
    </message>
    <message>
        <source>Exam completed: MPPS COMPLETED queued, images and the dose report queued to {stores} archive(s){printed}. Their progress is shown below.</source>
        <translation>Untersuchung abgeschlossen: MPPS COMPLETED eingereiht, Bilder und Dosisbericht an {stores} Archiv(e) eingereiht{printed}. Der Fortschritt steht unten.</translation>
    </message>
    <message>
        <source>Exam discontinued: MPPS DISCONTINUED queued, images and the dose report queued to {stores} archive(s){printed}. Their progress is shown below.</source>
        <translation>Untersuchung abgebrochen: MPPS DISCONTINUED eingereiht, Bilder und Dosisbericht an {stores} Archiv(e) eingereiht{printed}. Der Fortschritt steht unten.</translation>
    </message>
</context>
<context>
    <name>ExamPage</name>
    <message>
        <source>No exam open: choose an order on the worklist.</source>
        <translation>Keine Untersuchung geöffnet: einen Auftrag in der Arbeitsliste wählen.</translation>
    </message>
    <message>
        <source>Close exam…</source>
        <translation>Untersuchung abschließen…</translation>
    </message>
    <message>
        <source>ID {PatientID}</source>
        <translation>ID {PatientID}</translation>
    </message>
    <message>
        <source>accession {AccessionNumber}</source>
        <translation>Auftragsnr. {AccessionNumber}</translation>
    </message>
    <message>
        <source>unscheduled</source>
        <translation>ungeplant</translation>
    </message>
    <message>
        <source>Image received — processing</source>
        <translation>Bild empfangen — wird verarbeitet</translation>
    </message>
    <message>
        <source>open an exam first</source>
        <translation>zuerst eine Untersuchung öffnen</translation>
    </message>
    <message>
        <source>add a protocol first</source>
        <translation>zuerst ein Protokoll hinzufügen</translation>
    </message>
    <message>
        <source>{name} needs a side: choose Left or Right</source>
        <translation>{name} braucht eine Seite: Links oder Rechts wählen</translation>
    </message>
    <message>
        <source>a frame is being recovered from the panel</source>
        <translation>ein Bild wird aus dem Detektor geholt</translation>
    </message>
</context>
<context>
    <name>ExamSummaryView</name>
    <message>
        <source>{dap} dGy·cm²</source>
        <translation>{dap} dGy·cm²</translation>
    </message>
    <message>
        <source>unknown ({n} of {count} exposures without DAP)</source>
        <translation>unbekannt ({n} von {count} Aufnahmen ohne DFP)</translation>
    </message>
    <message>
        <source>≥ {dap} dGy·cm² ({n} of {count} exposures without DAP)</source>
        <translation>≥ {dap} dGy·cm² ({n} von {count} Aufnahmen ohne DFP)</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Side</source>
        <translation>Seite</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>kV</source>
        <translation>kV</translation>
    </message>
    <message>
        <source>mA</source>
        <translation>mA</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>mAs</source>
        <translation>mAs</translation>
    </message>
    <message>
        <source>DAP (dGy·cm²)</source>
        <translation>DFP (dGy·cm²)</translation>
    </message>
    <message>
        <source>EI</source>
        <translation>EI</translation>
    </message>
    <message>
        <source>EI_T</source>
        <translation>EI_T</translation>
    </message>
    <message>
        <source>DI</source>
        <translation>DI</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>verworfen</translation>
    </message>
    <message>
        <source>to review</source>
        <translation>zu prüfen</translation>
    </message>
    <message>
        <source>rejected: {reason}</source>
        <translation>verworfen: {reason}</translation>
    </message>
    <message>
        <source>{state}, partial</source>
        <translation>{state}, unvollständig</translation>
    </message>
    <message>
        <source>{n} exposures, {rejected} rejected   |   exam DAP {dap}</source>
        <translation>{n} Aufnahmen, {rejected} verworfen   |   DFP der Untersuchung {dap}</translation>
    </message>
</context>
<context>
    <name>ExposureSequence</name>
    <message>
        <source>Prep: {name} — press Expose when the generator and the detector are READY</source>
        <extracomment>(protocol id, reason) of a confirmed dose notification, for the next exposure</extracomment>
        <translation>Vorbereitung: {name} — Belichtung drücken, sobald Generator und Detektor BEREIT sind</translation>
    </message>
    <message>
        <source>No image: {exc}</source>
        <translation>Kein Bild: {exc}</translation>
    </message>
    <message>
        <source>Not exposed: the dose notification was not confirmed</source>
        <translation>Nicht ausgelöst: der Dosishinweis wurde nicht bestätigt</translation>
    </message>
    <message>
        <source>Dose notification confirmed — press Prep and Expose again for {name}</source>
        <translation>Dosishinweis bestätigt — für {name} erneut Vorbereiten und Auslösen drücken</translation>
    </message>
</context>
<context>
    <name>FrameRecovery</name>
    <message>
        <source>Recovering the frame left in the panel…</source>
        <translation>Das im Detektor verbliebene Bild wird geholt…</translation>
    </message>
    <message>
        <source>The frame could not be recovered: {error}</source>
        <translation>Das Bild konnte nicht geholt werden: {error}</translation>
    </message>
    <message>
        <source>Discard the lost frame</source>
        <translation>Verlorenes Bild verwerfen</translation>
    </message>
    <message>
        <source>{what}
was made but its image is not stored. Why is it given up? (recorded in the audit trail)</source>
        <translation>{what}
wurde gemacht, aber sein Bild ist nicht gespeichert. Warum wird es aufgegeben? (wird im Audit-Protokoll vermerkt)</translation>
    </message>
    <message>
        <source>Nothing discarded: a reason is needed.</source>
        <translation>Nichts verworfen: ein Grund ist nötig.</translation>
    </message>
    <message>
        <source>Discarded, with the reason recorded: {reason}</source>
        <translation>Verworfen, der Grund ist vermerkt: {reason}</translation>
    </message>
</context>
<context>
    <name>HistoryPage</name>
    <message>
        <source>Name, patient ID or accession</source>
        <translation>Name, Patienten-ID oder Auftragsnummer</translation>
    </message>
    <message>
        <source>from YYYYMMDD</source>
        <translation>von JJJJMMTT</translation>
    </message>
    <message>
        <source>to YYYYMMDD</source>
        <translation>bis JJJJMMTT</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>Patient ID</source>
        <translation>Patienten-ID</translation>
    </message>
    <message>
        <source>Accession</source>
        <translation>Auftragsnummer</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>Angenommen</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Continue / add images</source>
        <translation>Fortsetzen / Bilder hinzufügen</translation>
    </message>
    <message>
        <source>Re-send</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>Priors from PACS</source>
        <translation>Voraufnahmen aus dem PACS</translation>
    </message>
    <message>
        <source>Retrieve prior</source>
        <translation>Voraufnahme holen</translation>
    </message>
    <message>
        <source>Fetch the chosen study into the priors cache, to be shown beside new images (Prior, P)</source>
        <translation>Die gewählte Studie in den Voraufnahmen-Speicher holen, um sie neben neuen Bildern zu zeigen (Vorbild, P)</translation>
    </message>
    <message>
        <source>Export to media…</source>
        <translation>Auf Datenträger exportieren…</translation>
    </message>
    <message>
        <source>Write the exam to a folder or USB stick as DICOM media with a DICOMDIR</source>
        <translation>Die Untersuchung als DICOM-Datenträger mit DICOMDIR in einen Ordner oder auf einen USB-Stick schreiben</translation>
    </message>
    <message>
        <source>Import from media…</source>
        <translation>Von Datenträger importieren…</translation>
    </message>
    <message>
        <source>List the studies on a CD, USB stick or folder with a DICOMDIR; keep the chosen ones as priors or send them to the PACS</source>
        <translation>Die Studien auf einer CD, einem USB-Stick oder in einem Ordner mit DICOMDIR auflisten; die gewählten als Voraufnahmen behalten oder an das PACS senden</translation>
    </message>
    <message>
        <source>Move to the right order…</source>
        <translation>Zum richtigen Auftrag verschieben…</translation>
    </message>
    <message>
        <source>The exam was filed under the wrong patient or order: file its images under the right one and withdraw them from the wrong one</source>
        <translation>Die Untersuchung wurde beim falschen Patienten oder Auftrag abgelegt: ihre Bilder beim richtigen ablegen und beim falschen zurückziehen</translation>
    </message>
    <message>
        <source>De-identify</source>
        <translation>Anonymisieren</translation>
    </message>
    <message>
        <source>Remove the patient&apos;s identity (DICOM PS3.15 Basic Profile) from the exported copies</source>
        <translation>Die Identität des Patienten (DICOM PS3.15 Basic Profile) aus den exportierten Kopien entfernen</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Bild</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Side</source>
        <translation>Seite</translation>
    </message>
    <message>
        <source>Acquired</source>
        <translation>Aufgenommen</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Committed</source>
        <translation>Bestätigt</translation>
    </message>
    <message>
        <source>Reject sent image</source>
        <translation>Gesendetes Bild verwerfen</translation>
    </message>
    <message>
        <source>Withdraw the selected image from the PACS: a rejection note goes to every node it was sent to</source>
        <translation>Das gewählte Bild im PACS zurückziehen: ein Rückweisungsvermerk geht an jeden Knoten, an den es gesendet wurde</translation>
    </message>
    <message>
        <source>Modalities</source>
        <translation>Modalitäten</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>Serien</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Images of the selected exam</source>
        <translation>Bilder der gewählten Untersuchung</translation>
    </message>
    <message>
        <source>Exam summary: dose and technique</source>
        <translation>Untersuchungsübersicht: Dosis und Technik</translation>
    </message>
    <message>
        <source>The patient&apos;s studies at the PACS</source>
        <translation>Die Studien des Patienten im PACS</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <source>Continue exam</source>
        <translation>Untersuchung fortsetzen</translation>
    </message>
    <message>
        <source>Add images</source>
        <translation>Bilder hinzufügen</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>verworfen</translation>
    </message>
    <message>
        <source>to review</source>
        <translation>zu prüfen</translation>
    </message>
    <message>
        <source>Dose report</source>
        <translation>Dosisbericht</translation>
    </message>
    <message>
        <source>Rejection note</source>
        <translation>Rückweisungsvermerk</translation>
    </message>
    <message>
        <source>rejected: {reason}</source>
        <translation>verworfen: {reason}</translation>
    </message>
    <message>
        <source>{state}, PARTIAL EXPOSURE</source>
        <translation>{state}, TEILBELICHTUNG</translation>
    </message>
    <message>
        <source>Reject a sent image?</source>
        <translation>Ein gesendetes Bild verwerfen?</translation>
    </message>
    <message>
        <source>The image ({protocol}) was sent to {nodes}. It will be withdrawn there with the reason &quot;{reason}&quot;; the dose report keeps the exposure. This cannot be undone.</source>
        <translation>Das Bild ({protocol}) wurde an {nodes} gesendet. Es wird dort mit dem Grund „{reason}“ zurückgezogen; der Dosisbericht behält die Aufnahme. Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>Reject and withdraw</source>
        <translation>Verwerfen und zurückziehen</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>Behalten</translation>
    </message>
    <message>
        <source>Image rejected; a rejection note is queued to {nodes}.</source>
        <translation>Bild verworfen; ein Rückweisungsvermerk an {nodes} ist eingereiht.</translation>
    </message>
    <message>
        <source>The image was not rejected: {reason}</source>
        <translation>Das Bild wurde nicht verworfen: {reason}</translation>
    </message>
    <message>
        <source>Export to: an empty folder or a USB stick</source>
        <translation>Exportieren nach: ein leerer Ordner oder ein USB-Stick</translation>
    </message>
    <message>
        <source>{n} object(s) written to {folder}, de-identified.</source>
        <translation>{n} Objekt(e) nach {folder} geschrieben, anonymisiert.</translation>
    </message>
    <message>
        <source>{n} object(s) written to {folder}.</source>
        <translation>{n} Objekt(e) nach {folder} geschrieben.</translation>
    </message>
    <message>
        <source>Export failed: {reason}</source>
        <translation>Export fehlgeschlagen: {reason}</translation>
    </message>
    <message>
        <source>Writing the exam to {folder}…</source>
        <translation>Die Untersuchung wird nach {folder} geschrieben…</translation>
    </message>
    <message>
        <source>Import from: the media&apos;s folder (it holds DICOMDIR)</source>
        <translation>Importieren aus: dem Ordner des Datenträgers (er enthält DICOMDIR)</translation>
    </message>
    <message>
        <source>No scheduled order to move the images to: refresh the worklist or register the patient first.</source>
        <translation>Kein geplanter Auftrag, zu dem die Bilder verschoben werden können: zuerst die Arbeitsliste aktualisieren oder den Patienten aufnehmen.</translation>
    </message>
    <message>
        <source>Move to the right order</source>
        <translation>Zum richtigen Auftrag verschieben</translation>
    </message>
    <message>
        <source>The images of {name} ({pid}) belong to:</source>
        <translation>Die Bilder von {name} ({pid}) gehören zu:</translation>
    </message>
    <message>
        <source>{n} image(s) moved to {name}; the wrong ones are withdrawn.</source>
        <translation>{n} Bild(er) zu {name} verschoben; die falschen sind zurückgezogen.</translation>
    </message>
    <message>
        <source>The images were not moved: {reason}</source>
        <translation>Die Bilder wurden nicht verschoben: {reason}</translation>
    </message>
    <message>
        <source>Re-send failed: {reason}</source>
        <translation>Erneutes Senden fehlgeschlagen: {reason}</translation>
    </message>
    <message>
        <source>{n} send job(s) queued; the status below follows them.</source>
        <translation>{n} Sendeauftrag/-aufträge eingereiht; der Status unten verfolgt sie.</translation>
    </message>
    <message>
        <source>Priors could not be asked of {nodes}</source>
        <translation>Voraufnahmen konnten nicht abgefragt werden bei {nodes}</translation>
    </message>
    <message>
        <source>{n} earlier stud(ies) of this patient at the PACS.</source>
        <translation>{n} frühere Studie(n) dieses Patienten im PACS.</translation>
    </message>
    <message>
        <source>Priors could not be asked: {reason}</source>
        <translation>Voraufnahmen konnten nicht abgefragt werden: {reason}</translation>
    </message>
    <message>
        <source>Asking the PACS for this patient&apos;s studies…</source>
        <translation>Das PACS wird nach den Studien dieses Patienten gefragt…</translation>
    </message>
    <message>
        <source>Prior retrieved in part: {what}</source>
        <translation>Voraufnahme teilweise geholt: {what}</translation>
    </message>
    <message>
        <source>{n} image(s) of the prior retrieved; Prior (P) shows them beside the image.</source>
        <translation>{n} Bild(er) der Voraufnahme geholt; Vorbild (P) zeigt sie neben dem Bild.</translation>
    </message>
    <message>
        <source>The prior could not be retrieved: {reason}</source>
        <translation>Die Voraufnahme konnte nicht geholt werden: {reason}</translation>
    </message>
    <message>
        <source>Retrieving the prior from {node}…</source>
        <translation>Voraufnahme wird von {node} geholt…</translation>
    </message>
</context>
<context>
    <name>ImageDisplay</name>
    <message>
        <source>The image cannot be shown: {exc}</source>
        <translation>Das Bild kann nicht angezeigt werden: {exc}</translation>
    </message>
    <message>
        <source>  (preview)</source>
        <translation>  (Vorschau)</translation>
    </message>
    <message>
        <source>REJECTED: {reason}</source>
        <translation>VERWORFEN: {reason}</translation>
    </message>
    <message>
        <source>PARTIAL EXPOSURE</source>
        <translation>TEILBELICHTUNG</translation>
    </message>
    <message>
        <source>The image file cannot be read: {exc}</source>
        <translation>Die Bilddatei kann nicht gelesen werden: {exc}</translation>
    </message>
    <message>
        <source>no processed image</source>
        <translation>kein verarbeitetes Bild</translation>
    </message>
</context>
<context>
    <name>ImageInfo</name>
    <message>
        <source>EI —</source>
        <translation>EI —</translation>
    </message>
    <message>
        <source>within target</source>
        <translation>im Zielbereich</translation>
    </message>
    <message>
        <source>outside the target range</source>
        <translation>außerhalb des Zielbereichs</translation>
    </message>
    <message>
        <source>far from target — check exposure</source>
        <translation>weit vom Ziel — Belichtung prüfen</translation>
    </message>
    <message>
        <source>no target</source>
        <translation>kein Ziel</translation>
    </message>
    <message>
        <source>EI {ei}   EI_T {ei_t}   DI {di}   ({words})</source>
        <translation>EI {ei}   EI_T {ei_t}   DI {di}   ({words})</translation>
    </message>
    <message>
        <source>exam DAP {dap}</source>
        <translation>DFP der Untersuchung {dap}</translation>
    </message>
    <message>
        <source>{kv} kV  {ma} mA  {ms} ms  {mas} mAs  DAP {dap} dGy·cm²   |   {exam}</source>
        <translation>{kv} kV  {ma} mA  {ms} ms  {mas} mAs  DFP {dap} dGy·cm²   |   {exam}</translation>
    </message>
</context>
<context>
    <name>ImageNotes</name>
    <message>
        <source>Text on the image</source>
        <translation>Text auf der Aufnahme</translation>
    </message>
    <message>
        <source>Text:</source>
        <translation>Text:</translation>
    </message>
    <message>
        <source>Annotations cannot be read: {error}</source>
        <translation>Anmerkungen können nicht gelesen werden: {error}</translation>
    </message>
    <message>
        <source>Annotations not saved: {error}</source>
        <translation>Anmerkungen nicht gespeichert: {error}</translation>
    </message>
    <message>
        <source>The texts and distances were removed: the image was turned or cropped</source>
        <translation>Texte und Strecken wurden entfernt: die Aufnahme wurde gedreht oder zugeschnitten</translation>
    </message>
</context>
<context>
    <name>ImageStatusTable</name>
    <message>
        <source>Image</source>
        <translation>Bild</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Committed</source>
        <translation>Bestätigt</translation>
    </message>
    <message>
        <source>Sent and committed</source>
        <translation>Gesendet und bestätigt</translation>
    </message>
    <message>
        <source>Dose report</source>
        <translation>Dosisbericht</translation>
    </message>
    <message>
        <source>to review</source>
        <translation>zu prüfen</translation>
    </message>
    <message>
        <source>{state}, PARTIAL EXPOSURE</source>
        <translation>{state}, TEILBELICHTUNG</translation>
    </message>
</context>
<context>
    <name>ImageStrip</name>
    <message>
        <source>Images of this exam</source>
        <translation>Bilder dieser Untersuchung</translation>
    </message>
    <message>
        <source>to review</source>
        <translation>zu prüfen</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>verworfen</translation>
    </message>
    <message>
        <source>{series}.{instance} {protocol} {side}
{state}</source>
        <translation>{series}.{instance} {protocol} {side}
{state}</translation>
    </message>
    <message>
        <source>PARTIAL EXPOSURE</source>
        <translation>TEILBELICHTUNG</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>user name</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <source>password or PIN</source>
        <translation>Passwort oder PIN</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Emergency exam without login</source>
        <translation>Notfalluntersuchung ohne Anmeldung</translation>
    </message>
    <message>
        <source>Break glass: start a trauma exam at once; it is recorded as such, under the name typed above or as EMERGENCY^BREAK GLASS, and a login is asked for afterwards</source>
        <translation>Notfallzugang: sofort eine Traumauntersuchung beginnen; sie wird als solche protokolliert, unter dem oben eingegebenen Namen oder als EMERGENCY^BREAK GLASS, und danach wird eine Anmeldung verlangt</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Password or PIN</source>
        <translation>Passwort oder PIN</translation>
    </message>
    <message>
        <source>VXacq: who is working?</source>
        <translation>VXacq: Wer arbeitet?</translation>
    </message>
    <message>
        <source>Login not possible: {reason}</source>
        <translation>Anmeldung nicht möglich: {reason}</translation>
    </message>
</context>
<context>
    <name>LogsTab</name>
    <message>
        <source>Application log</source>
        <translation>Anwendungsprotokoll</translation>
    </message>
    <message>
        <source>DICOM associations</source>
        <translation>DICOM-Verbindungen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>(no log yet: {reason})</source>
        <translation>(noch kein Protokoll: {reason})</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>VXacq {version} — {station_name}</source>
        <translation>VXacq {version} — {station_name}</translation>
    </message>
    <message>
        <source>Worklist</source>
        <translation>Arbeitsliste</translation>
    </message>
    <message>
        <source>Exam</source>
        <translation>Untersuchung</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>Family^Given</source>
        <translation>Nachname^Vorname</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Sperren</translation>
    </message>
    <message>
        <source>Hide the screen until a login; exams and sending go on</source>
        <translation>Den Bildschirm bis zur Anmeldung verbergen; Untersuchungen und Senden laufen weiter</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>Radiographer:</source>
        <translation>MTR:</translation>
    </message>
    <message>
        <source>Radiographer &apos;{name}&apos; cannot be written as a DICOM name in {charset} (Family^Given, at most 64 characters): not used</source>
        <translation>MTR „{name}“ kann nicht als DICOM-Name in {charset} geschrieben werden (Nachname^Vorname, höchstens 64 Zeichen): nicht verwendet</translation>
    </message>
    <message>
        <source>Exams started from now on record {name} as the operator</source>
        <translation>Ab jetzt begonnene Untersuchungen vermerken {name} als Bediener</translation>
    </message>
    <message>
        <source>no one</source>
        <translation>niemanden</translation>
    </message>
    <message>
        <source>Locked: {name} or another user logs in to go on.</source>
        <translation>Gesperrt: {name} oder ein anderer Benutzer meldet sich an, um fortzufahren.</translation>
    </message>
    <message>
        <source>Logged out.</source>
        <translation>Abgemeldet.</translation>
    </message>
    <message>
        <source>The emergency exam is closed: log in to go on.</source>
        <translation>Die Notfalluntersuchung ist abgeschlossen: zum Fortfahren anmelden.</translation>
    </message>
    <message>
        <source>Accounts are set up: log in.</source>
        <translation>Konten sind eingerichtet: bitte anmelden.</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>Benutzer:</translation>
    </message>
    <message>
        <source>(no accounts configured)</source>
        <translation>(keine Konten eingerichtet)</translation>
    </message>
    <message>
        <source>EMERGENCY (no login): {name}</source>
        <translation>NOTFALL (ohne Anmeldung): {name}</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Opening an exam</source>
        <translation>Eine Untersuchung öffnen</translation>
    </message>
    <message>
        <source>An exposure or an exam step is still running: wait for it to end before opening another exam.</source>
        <translation>Eine Aufnahme oder ein Untersuchungsschritt läuft noch: vor dem Öffnen einer anderen Untersuchung das Ende abwarten.</translation>
    </message>
    <message>
        <source>Opening the exam…</source>
        <translation>Untersuchung wird geöffnet…</translation>
    </message>
    <message>
        <source>Cannot open: {exc}</source>
        <translation>Kann nicht geöffnet werden: {exc}</translation>
    </message>
    <message>
        <source>Leave this exam?</source>
        <translation>Diese Untersuchung verlassen?</translation>
    </message>
    <message>
        <source>{question}
Suspend it and open the other exam, or stay?</source>
        <translation>{question}
Sie unterbrechen und die andere Untersuchung öffnen, oder bleiben?</translation>
    </message>
    <message>
        <source>Suspend and open</source>
        <translation>Unterbrechen und öffnen</translation>
    </message>
    <message>
        <source>Stay</source>
        <translation>Bleiben</translation>
    </message>
    <message>
        <source>Break glass not recorded: {exc}</source>
        <translation>Notfallzugang nicht protokolliert: {exc}</translation>
    </message>
    <message>
        <source>Room ready</source>
        <translation>Raum bereit</translation>
    </message>
    <message>
        <source>Room: {problem}</source>
        <translation>Raum: {problem}</translation>
    </message>
    <message>
        <source>Listener: {status}</source>
        <translation>Listener: {status}</translation>
    </message>
    <message>
        <source>Queue: {waiting} to send, {failed} failed (Service → Queue)</source>
        <translation>Warteschlange: {waiting} zu senden, {failed} fehlgeschlagen (Service → Warteschlange)</translation>
    </message>
    <message>
        <source>Queue: {waiting} to send</source>
        <translation>Warteschlange: {waiting} zu senden</translation>
    </message>
</context>
<context>
    <name>MediaImportDialog</name>
    <message>
        <source>Import from media</source>
        <translation>Von Datenträger importieren</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importieren</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>Patient ID</source>
        <translation>Patienten-ID</translation>
    </message>
    <message>
        <source>Modalities</source>
        <translation>Modalitäten</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Keep as priors (shown beside new images)</source>
        <translation>Als Voraufnahmen behalten (neben neuen Bildern gezeigt)</translation>
    </message>
    <message>
        <source>Send to {node}</source>
        <translation>An {node} senden</translation>
    </message>
    <message>
        <source>Studies on {folder}</source>
        <translation>Studien in {folder}</translation>
    </message>
    <message>
        <source>Reading the media…</source>
        <translation>Datenträger wird gelesen…</translation>
    </message>
    <message>
        <source>Not taken ({n}):</source>
        <translation>Nicht übernommen ({n}):</translation>
    </message>
    <message>
        <source>Tick the studies to import.</source>
        <translation>Die zu importierenden Studien ankreuzen.</translation>
    </message>
    <message>
        <source>No study on this media can be imported.</source>
        <translation>Keine Studie auf diesem Datenträger kann importiert werden.</translation>
    </message>
    <message>
        <source>The media cannot be read: {reason}</source>
        <translation>Der Datenträger kann nicht gelesen werden: {reason}</translation>
    </message>
    <message>
        <source>No study is ticked.</source>
        <translation>Keine Studie ist angekreuzt.</translation>
    </message>
    <message>
        <source>{n} image(s) of {studies} study(ies) kept as priors.</source>
        <translation>{n} Bild(er) aus {studies} Studie(n) als Voraufnahmen behalten.</translation>
    </message>
    <message>
        <source>{studies} study(ies) queued to {node}.</source>
        <translation>{studies} Studie(n) zum Senden an {node} eingereiht.</translation>
    </message>
    <message>
        <source>{n} file(s) not taken.</source>
        <translation>{n} Datei(en) nicht übernommen.</translation>
    </message>
    <message>
        <source>Not imported: {reason}</source>
        <translation>Nicht importiert: {reason}</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>Wird importiert…</translation>
    </message>
</context>
<context>
    <name>NodeDialog</name>
    <message>
        <source>Edit node</source>
        <translation>Knoten bearbeiten</translation>
    </message>
    <message>
        <source>Add node</source>
        <translation>Knoten hinzufügen</translation>
    </message>
    <message>
        <source>empty for a DICOM node; https://host/dicom-web for a DICOMweb node</source>
        <translation>leer für einen DICOM-Knoten; https://host/dicom-web für einen DICOMweb-Knoten</translation>
    </message>
    <message>
        <source>a file holding the password or token (chmod 600)</source>
        <translation>eine Datei mit dem Passwort oder Token (chmod 600)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>AE title</source>
        <translation>AE-Titel</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Dienste</translation>
    </message>
    <message>
        <source>Transfer syntax</source>
        <translation>Transfersyntax</translation>
    </message>
    <message>
        <source>Character set when it declares none</source>
        <translation>Zeichensatz, wenn keiner angegeben ist</translation>
    </message>
    <message>
        <source>DICOMweb URL</source>
        <translation>DICOMweb-URL</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Anmeldung</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <source>Secret file</source>
        <translation>Geheimnisdatei</translation>
    </message>
    <message>
        <source>port &apos;{text}&apos; is not a whole number</source>
        <translation>Port „{text}“ ist keine ganze Zahl</translation>
    </message>
    <message>
        <source>Not saved:</source>
        <translation>Nicht gespeichert:</translation>
    </message>
</context>
<context>
    <name>NodesTab</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>AE title</source>
        <translation>AE-Titel</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Dienste</translation>
    </message>
    <message>
        <source>C-ECHO</source>
        <translation>C-ECHO</translation>
    </message>
    <message>
        <source>C-ECHO all</source>
        <translation>C-ECHO an alle</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Bearbeiten…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>asking…</source>
        <translation>wird abgefragt…</translation>
    </message>
    <message>
        <source>OK in {ms} ms</source>
        <translation>OK in {ms} ms</translation>
    </message>
    <message>
        <source>failed after {s} s: {why}</source>
        <translation>fehlgeschlagen nach {s} s: {why}</translation>
    </message>
    <message>
        <source>failed: {why}</source>
        <translation>fehlgeschlagen: {why}</translation>
    </message>
    <message>
        <source>Node {name} saved and in effect.</source>
        <translation>Knoten {name} gespeichert und wirksam.</translation>
    </message>
    <message>
        <source>Node {name} removed. Its unsent jobs failed with that reason (Queue); add the node back and retry them, or cancel them.</source>
        <translation>Knoten {name} entfernt. Seine ungesendeten Aufträge sind mit diesem Grund fehlgeschlagen (Warteschlange); den Knoten wieder hinzufügen und sie erneut versuchen, oder sie abbrechen.</translation>
    </message>
</context>
<context>
    <name>PlanPanel</name>
    <message>
        <source>Protocols</source>
        <translation>Protokolle</translation>
    </message>
    <message>
        <source>{name} ({id})</source>
        <translation>{name} ({id})</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Body part…</source>
        <translation>Körperregion…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source> — field {next} of {planned} next</source>
        <translation> — als Nächstes Feld {next} von {planned}</translation>
    </message>
</context>
<context>
    <name>PriorPanel</name>
    <message>
        <source>Earlier images of this patient (same body part and view first)</source>
        <translation>Frühere Bilder dieses Patienten (gleiche Körperregion und Projektion zuerst)</translation>
    </message>
    <message>
        <source>no prior of this patient in the cache</source>
        <translation>keine Voraufnahme dieses Patienten im Speicher</translation>
    </message>
    <message>
        <source>Retrieve priors from the archive (History → Priors from PACS, or `vxacq retrieve`).</source>
        <translation>Voraufnahmen aus dem Archiv holen (Verlauf → Voraufnahmen aus dem PACS, oder `vxacq retrieve`).</translation>
    </message>
    <message>
        <source>PRIOR {date} {part} {view} {side}</source>
        <translation>VORBILD {date} {part} {view} {side}</translation>
    </message>
</context>
<context>
    <name>QualityTab</name>
    <message>
        <source>YYYY-MM-DD (first exam)</source>
        <translation>JJJJ-MM-TT (erste Untersuchung)</translation>
    </message>
    <message>
        <source>YYYY-MM-DD (last exam)</source>
        <translation>JJJJ-MM-TT (letzte Untersuchung)</translation>
    </message>
    <message>
        <source>All protocols</source>
        <translation>Alle Protokolle</translation>
    </message>
    <message>
        <source>All radiographers</source>
        <translation>Alle MTR</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>Woche</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Monat</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Save printable report…</source>
        <translation>Druckbaren Bericht speichern…</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>Rates by</source>
        <translation>Raten nach</translation>
    </message>
    <message>
        <source>Reject rate by reason (%)</source>
        <translation>Verwurfrate nach Grund (%)</translation>
    </message>
    <message>
        <source>Deviation index (% of images)</source>
        <translation>Abweichungsindex (% der Bilder)</translation>
    </message>
    <message>
        <source>DAP per exposure (Gy·cm²)</source>
        <translation>DFP je Aufnahme (Gy·cm²)</translation>
    </message>
    <message>
        <source>Bar: median. &lt;span style=&apos;color:{tick}&apos;&gt;|&lt;/span&gt; 75th percentile. &lt;span style=&apos;color:{level}&apos;&gt;|&lt;/span&gt; reference level (per exposure); ▲ 75th percentile above it.</source>
        <translation>Balken: Median. &lt;span style=&apos;color:{tick}&apos;&gt;|&lt;/span&gt; 75. Perzentil. &lt;span style=&apos;color:{level}&apos;&gt;|&lt;/span&gt; Referenzwert (je Aufnahme); ▲ 75. Perzentil darüber.</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Verworfen</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>Rate</translation>
    </message>
    <message>
        <source>Reject and repeat rates with the counts behind them:</source>
        <translation>Verwurf- und Wiederholungsraten mit den zugrunde liegenden Zahlen:</translation>
    </message>
    <message>
        <source>Not updated: {error}</source>
        <translation>Nicht aktualisiert: {error}</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>Wird gelesen…</translation>
    </message>
    <message>
        <source>The figures could not be read: {error}</source>
        <translation>Die Zahlen konnten nicht gelesen werden: {error}</translation>
    </message>
    <message>
        <source>{images} images, {rejected} rejected ({reject_rate}), {repeated} repeated ({repeat_rate}); {confirmed} dose notifications confirmed.</source>
        <translation>{images} Bilder, {rejected} verworfen ({reject_rate}), {repeated} wiederholt ({repeat_rate}); {confirmed} Dosishinweise bestätigt.</translation>
    </message>
    <message>
        <source>Save printable report</source>
        <translation>Druckbaren Bericht speichern</translation>
    </message>
    <message>
        <source>Web page (*.html)</source>
        <translation>Webseite (*.html)</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>Saved to {path}; open it in a browser to print it.</source>
        <translation>Gespeichert in {path}; zum Drucken im Browser öffnen.</translation>
    </message>
    <message>
        <source>Not saved: {error}</source>
        <translation>Nicht gespeichert: {error}</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Body part</source>
        <translation>Körperteil</translation>
    </message>
    <message>
        <source>Radiographer</source>
        <translation>MTR</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Raum</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>Repeats</source>
        <translation>Wiederholungen</translation>
    </message>
</context>
<context>
    <name>QueueTab</name>
    <message>
        <source>Failed and waiting (failed first)</source>
        <translation>Fehlgeschlagen und wartend (Fehler zuerst)</translation>
    </message>
    <message>
        <source>Failed only</source>
        <translation>Nur fehlgeschlagene</translation>
    </message>
    <message>
        <source>All, including finished</source>
        <translation>Alle, auch erledigte</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>Cancel job</source>
        <translation>Auftrag abbrechen</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Study</source>
        <translation>Studie</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <source>Only the first {n} jobs are listed; older finished jobs are left out (`vxacq queue --limit` lists more).</source>
        <translation>Nur die ersten {n} Aufträge sind aufgeführt; ältere erledigte Aufträge fehlen (`vxacq queue --limit` zeigt mehr).</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>eingereiht</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>wird gesendet</translation>
    </message>
    <message>
        <source>done</source>
        <translation>erledigt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>{node} (removed)</source>
        <translation>{node} (entfernt)</translation>
    </message>
</context>
<context>
    <name>ReconcileDialog</name>
    <message>
        <source>Reconcile an emergency exam with its order</source>
        <translation>Notfalluntersuchung mit ihrem Auftrag abgleichen</translation>
    </message>
    <message>
        <source>Order {accession} for {name} ({patient_id}): choose the exam that was made for this patient without an order.</source>
        <translation>Auftrag {accession} für {name} ({patient_id}): die Untersuchung wählen, die für diesen Patienten ohne Auftrag gemacht wurde.</translation>
    </message>
    <message>
        <source>Study</source>
        <translation>Studie</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>Temporary ID</source>
        <translation>Vorläufige ID</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Reconcile</source>
        <translation>Abgleichen</translation>
    </message>
    <message>
        <source>No exam chosen.</source>
        <translation>Keine Untersuchung gewählt.</translation>
    </message>
    <message>
        <source>This exam is still open: close or discontinue it on the Exam page first.</source>
        <translation>Diese Untersuchung ist noch offen: sie zuerst auf der Seite Untersuchung abschließen oder abbrechen.</translation>
    </message>
    <message>
        <source>The {images} image(s) and the dose report of {temporary} ({temporary_id}) will be filed under {name} ({patient_id}), accession {accession}, corrected and sent again to the archive; the RIS is told the order was performed.</source>
        <translation>Die {images} Bild(er) und der Dosisbericht von {temporary} ({temporary_id}) werden unter {name} ({patient_id}), Auftragsnummer {accession}, abgelegt, korrigiert und erneut an das Archiv gesendet; das RIS erfährt, dass der Auftrag durchgeführt wurde.</translation>
    </message>
</context>
<context>
    <name>ReferenceLevelsTab</name>
    <message>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Exposure level (Gy·cm²)</source>
        <translation>Wert je Aufnahme (Gy·cm²)</translation>
    </message>
    <message>
        <source>Exam level (Gy·cm²)</source>
        <translation>Wert je Untersuchung (Gy·cm²)</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>[[level]]
protocol = &quot;KNEE_AP&quot;
exposure_dap_Gy_cm2 = 0.05
source = &quot;local DRL 2026&quot;</source>
        <translation>[[level]]
protocol = &quot;KNEE_AP&quot;
exposure_dap_Gy_cm2 = 0.05
source = &quot;lokaler DRW 2026&quot;</translation>
    </message>
    <message>
        <source>Check and save</source>
        <translation>Prüfen und speichern</translation>
    </message>
    <message>
        <source>Levels in force (shipped national DRLs and this station&apos;s override):</source>
        <translation>Geltende Werte (mitgelieferte nationale DRW und die Anpassung dieses Platzes):</translation>
    </message>
    <message>
        <source>Override for this station (same form as the shipped reference_levels.toml):</source>
        <translation>Anpassung für diesen Platz (gleiche Form wie die mitgelieferte reference_levels.toml):</translation>
    </message>
    <message>
        <source>The saved override is not used: {error}</source>
        <translation>Die gespeicherte Anpassung wird nicht verwendet: {error}</translation>
    </message>
    <message>
        <source>Not saved: {error}</source>
        <translation>Nicht gespeichert: {error}</translation>
    </message>
    <message>
        <source>Saved; the next exposure uses these levels.</source>
        <translation>Gespeichert; die nächste Aufnahme verwendet diese Werte.</translation>
    </message>
    <message>
        <source>Every other protocol: exam level {exam:g} Gy·cm² (site choice). EI on target: DI {low:g} to {high:g}; flagged when {outside} of a protocol&apos;s last {window} exposures are off target.</source>
        <translation>Jedes andere Protokoll: Wert je Untersuchung {exam:g} Gy·cm² (Wahl des Hauses). EI im Ziel: DI {low:g} bis {high:g}; markiert, wenn {outside} der letzten {window} Aufnahmen eines Protokolls außerhalb liegen.</translation>
    </message>
</context>
<context>
    <name>RegistrationDialog</name>
    <message>
        <source>Register an unscheduled patient</source>
        <translation>Ungeplanten Patienten registrieren</translation>
    </message>
    <message>
        <source>Family name</source>
        <translation>Nachname</translation>
    </message>
    <message>
        <source>e.g. Müller</source>
        <translation>z. B. Müller</translation>
    </message>
    <message>
        <source>Given name</source>
        <translation>Vorname</translation>
    </message>
    <message>
        <source>e.g. Anna</source>
        <translation>z. B. Anna</translation>
    </message>
    <message>
        <source>Patient ID</source>
        <translation>Patienten-ID</translation>
    </message>
    <message>
        <source>the hospital number, or Emergency ID</source>
        <translation>die Patientennummer des Hauses, oder Notfall-ID</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Geburtsdatum</translation>
    </message>
    <message>
        <source>YYYYMMDD, empty when unknown</source>
        <translation>JJJJMMTT, leer wenn unbekannt</translation>
    </message>
    <message>
        <source>Accession</source>
        <translation>Auftragsnummer</translation>
    </message>
    <message>
        <source>optional, up to 16 characters</source>
        <translation>optional, bis 16 Zeichen</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Untersuchungsart</translation>
    </message>
    <message>
        <source>e.g. Chest PA</source>
        <translation>z. B. Thorax p.a.</translation>
    </message>
    <message>
        <source>Referring physician</source>
        <translation>Überweisender Arzt</translation>
    </message>
    <message>
        <source>Family^Given, optional</source>
        <translation>Nachname^Vorname, optional</translation>
    </message>
    <message>
        <source>Emergency ID</source>
        <translation>Notfall-ID</translation>
    </message>
    <message>
        <source>For an unidentified patient: the station&apos;s next temporary ID</source>
        <translation>Für einen unbekannten Patienten: die nächste vorläufige ID dieser Station</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>female</source>
        <translation>weiblich</translation>
    </message>
    <message>
        <source>male</source>
        <translation>männlich</translation>
    </message>
    <message>
        <source>other</source>
        <translation>divers</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Geschlecht</translation>
    </message>
    <message>
        <source>Register and start</source>
        <translation>Registrieren und beginnen</translation>
    </message>
    <message>
        <source>No Emergency ID: {error}</source>
        <translation>Keine Notfall-ID: {error}</translation>
    </message>
    <message>
        <source>Not registered: {error}. Nothing was saved; press Register and start again.</source>
        <translation>Nicht registriert: {error}. Nichts wurde gespeichert; erneut „Registrieren und beginnen“ drücken.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Correct the marked fields; nothing was registered.</source>
        <translation>Markierte Felder korrigieren; es wurde nichts registriert.</translation>
    </message>
</context>
<context>
    <name>Reprocessing</name>
    <message>
        <source>{name} is a {chosen} protocol; this image is {own}: choose a {own} protocol</source>
        <translation>{name} ist ein {chosen}-Protokoll; dieses Bild ist {own}: ein {own}-Protokoll wählen</translation>
    </message>
    <message>
        <source>Draw a crop rectangle of at least 16 × 16 pixels first (Crop)</source>
        <translation>Zuerst ein Ausschnittsrechteck von mindestens 16 × 16 Pixeln zeichnen (Ausschnitt)</translation>
    </message>
    <message>
        <source>Re-processing…</source>
        <translation>Wird neu verarbeitet…</translation>
    </message>
    <message>
        <source>Moving seam {n} by {mm:+.1f} mm…</source>
        <translation>Naht {n} wird um {mm:+.1f} mm verschoben…</translation>
    </message>
    <message>
        <source>Marker {marker} on a {side} image: choose Marker {right} (or check the side)</source>
        <translation>Marker {marker} auf einer Aufnahme {side}: Marker {right} wählen (oder die Seite prüfen)</translation>
    </message>
    <message>
        <source>LEFT</source>
        <translation>LINKS</translation>
    </message>
    <message>
        <source>RIGHT</source>
        <translation>RECHTS</translation>
    </message>
    <message>
        <source>No marker on this image to move</source>
        <translation>Kein Marker zum Verschieben auf dieser Aufnahme</translation>
    </message>
</context>
<context>
    <name>ReviewDecisions</name>
    <message>
        <source>Partial exposure</source>
        <translation>Teilbelichtung</translation>
    </message>
    <message>
        <source>{what}

Accept this image anyway?</source>
        <translation>{what}

Dieses Bild trotzdem annehmen?</translation>
    </message>
    <message>
        <source>Accept partial image</source>
        <translation>Teilbelichtetes Bild annehmen</translation>
    </message>
    <message>
        <source>Do not accept</source>
        <translation>Nicht annehmen</translation>
    </message>
    <message>
        <source>Choose why the image is rejected first.</source>
        <translation>Zuerst wählen, warum das Bild verworfen wird.</translation>
    </message>
    <message>
        <source>Retake {protocol_id}: position the patient and use the hand switch</source>
        <translation>Wiederholung {protocol_id}: Patienten lagern und den Handschalter benutzen</translation>
    </message>
</context>
<context>
    <name>ReviewToolbar</name>
    <message>
        <source>L/R marker</source>
        <translation>Seitenmarker L/R</translation>
    </message>
    <message>
        <source>{what} ({key})</source>
        <translation>{what} ({key})</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Bild</translation>
    </message>
    <message>
        <source>More contrast</source>
        <translation>Mehr Kontrast</translation>
    </message>
    <message>
        <source>Less contrast</source>
        <translation>Weniger Kontrast</translation>
    </message>
    <message>
        <source>Brighter</source>
        <translation>Heller</translation>
    </message>
    <message>
        <source>Darker</source>
        <translation>Dunkler</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Alles</translation>
    </message>
    <message>
        <source>Fit the image to the view</source>
        <translation>Das Bild in die Ansicht einpassen</translation>
    </message>
    <message>
        <source>+</source>
        <translation>+</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Vergrößern</translation>
    </message>
    <message>
        <source>−</source>
        <translation>−</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Verkleinern</translation>
    </message>
    <message>
        <source>W/L</source>
        <translation>F/P</translation>
    </message>
    <message>
        <source>Drag to set window (left/right) and level (up/down)</source>
        <translation>Ziehen, um Fensterbreite (links/rechts) und Fensterlage (auf/ab) einzustellen</translation>
    </message>
    <message>
        <source>⟲</source>
        <translation>⟲</translation>
    </message>
    <message>
        <source>Turn 90° anticlockwise</source>
        <translation>90° gegen den Uhrzeigersinn drehen</translation>
    </message>
    <message>
        <source>⟳</source>
        <translation>⟳</translation>
    </message>
    <message>
        <source>Turn 90° clockwise</source>
        <translation>90° im Uhrzeigersinn drehen</translation>
    </message>
    <message>
        <source>⇆</source>
        <translation>⇆</translation>
    </message>
    <message>
        <source>Mirror left-right</source>
        <translation>Links-rechts spiegeln</translation>
    </message>
    <message>
        <source>⇅</source>
        <translation>⇅</translation>
    </message>
    <message>
        <source>Mirror top-bottom</source>
        <translation>Oben-unten spiegeln</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>Ziehen</translation>
    </message>
    <message>
        <source>Drag the L/R marker to its place</source>
        <translation>Die L/R-Marke an ihren Platz ziehen</translation>
    </message>
    <message>
        <source>Crop</source>
        <translation>Schnitt</translation>
    </message>
    <message>
        <source>Draw the crop rectangle, then Apply</source>
        <translation>Das Schnittrechteck ziehen, dann Anwenden</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Anwenden</translation>
    </message>
    <message>
        <source>Crop the image to the rectangle</source>
        <translation>Das Bild auf das Rechteck beschneiden</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Undo the last crop</source>
        <translation>Den letzten Schnitt zurücknehmen</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Write a text on the image</source>
        <translation>Einen Text auf das Bild schreiben</translation>
    </message>
    <message>
        <source>Ruler</source>
        <translation>Lineal</translation>
    </message>
    <message>
        <source>Measure a distance (drag its ends)</source>
        <translation>Eine Strecke messen (Enden ziehen)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Weg</translation>
    </message>
    <message>
        <source>Remove the texts and distances</source>
        <translation>Die Texte und Strecken entfernen</translation>
    </message>
    <message>
        <source>Prior</source>
        <translation>Vorbild</translation>
    </message>
    <message>
        <source>Show an earlier image of the patient beside this one</source>
        <translation>Ein früheres Bild des Patienten neben diesem zeigen</translation>
    </message>
    <message>
        <source>▲</source>
        <translation>▲</translation>
    </message>
    <message>
        <source>Long-length: move the fields below the seam up</source>
        <translation>Langformat: die Felder unter der Naht nach oben schieben</translation>
    </message>
    <message>
        <source>▼</source>
        <translation>▼</translation>
    </message>
    <message>
        <source>Long-length: move the fields below the seam down</source>
        <translation>Langformat: die Felder unter der Naht nach unten schieben</translation>
    </message>
    <message>
        <source>Zoom: screen pixels per image pixel</source>
        <translation>Zoom: Bildschirmpixel je Bildpixel</translation>
    </message>
    <message>
        <source>Window presets (keys 1–5)</source>
        <translation>Fenster-Voreinstellungen (Tasten 1–5)</translation>
    </message>
    <message>
        <source>{key} {name}</source>
        <translation>{key} {name}</translation>
    </message>
    <message>
        <source>C </source>
        <translation>C </translation>
    </message>
    <message>
        <source>Window center</source>
        <translation>Fensterzentrum</translation>
    </message>
    <message>
        <source>W </source>
        <translation>W </translation>
    </message>
    <message>
        <source>Window width</source>
        <translation>Fensterbreite</translation>
    </message>
    <message>
        <source>Marker L</source>
        <translation>Marker L</translation>
    </message>
    <message>
        <source>L/R: side</source>
        <translation>L/R: Seite</translation>
    </message>
    <message>
        <source>Marker R</source>
        <translation>Marker R</translation>
    </message>
    <message>
        <source>No marker</source>
        <translation>Kein Marker</translation>
    </message>
    <message>
        <source>The seam of a long-length image to move</source>
        <translation>Die zu verschiebende Naht eines Langformatbilds</translation>
    </message>
    <message>
        <source>{p} %</source>
        <translation>{p} %</translation>
    </message>
    <message>
        <source>— %</source>
        <translation>— %</translation>
    </message>
    <message>
        <source>Seam {n}</source>
        <translation>Naht {n}</translation>
    </message>
    <message>
        <source>No seam (one exposure)</source>
        <translation>Keine Naht (eine Aufnahme)</translation>
    </message>
</context>
<context>
    <name>RoomPanel</name>
    <message>
        <source>READY</source>
        <translation>BEREIT</translation>
    </message>
    <message>
        <source>STANDBY</source>
        <translation>STANDBY</translation>
    </message>
    <message>
        <source>IDLE</source>
        <translation>INAKTIV</translation>
    </message>
    <message>
        <source>PREP</source>
        <translation>VORBEREITUNG</translation>
    </message>
    <message>
        <source>ARMING</source>
        <translation>AKTIVIERUNG</translation>
    </message>
    <message>
        <source>EXPOSING</source>
        <translation>BELICHTUNG</translation>
    </message>
    <message>
        <source>INTEGRATING</source>
        <translation>INTEGRATION</translation>
    </message>
    <message>
        <source>READOUT</source>
        <translation>AUSLESEN</translation>
    </message>
    <message>
        <source>TRIGGERED</source>
        <translation>AUSGELÖST</translation>
    </message>
    <message>
        <source>AED</source>
        <translation>AED</translation>
    </message>
    <message>
        <source>FAULT</source>
        <translation>STÖRUNG</translation>
    </message>
    <message>
        <source>ERROR</source>
        <translation>FEHLER</translation>
    </message>
    <message>
        <source>DISCONNECTED</source>
        <translation>GETRENNT</translation>
    </message>
    <message>
        <source>OFF</source>
        <translation>AUS</translation>
    </message>
    <message>
        <source>X-ray room</source>
        <translation>Röntgenraum</translation>
    </message>
    <message>
        <source>Generator</source>
        <translation>Generator</translation>
    </message>
    <message>
        <source>Detector</source>
        <translation>Detektor</translation>
    </message>
    <message>
        <source>Panel</source>
        <translation>Panel</translation>
    </message>
    <message>
        <source>Prep (stage 1)</source>
        <translation>Vorbereitung (1)</translation>
    </message>
    <message>
        <source>Hold the exposure ready: rotor and filament up, panel armed</source>
        <translation>Aufnahme bereithalten: Anode und Heizung hochgefahren, Detektor bereit</translation>
    </message>
    <message>
        <source>Expose (stage 2)</source>
        <translation>Belichtung (2)</translation>
    </message>
    <message>
        <source>Reset generator</source>
        <translation>Generator zurücksetzen</translation>
    </message>
    <message>
        <source>Recover the frame from the panel</source>
        <translation>Bild aus dem Detektor holen</translation>
    </message>
    <message>
        <source>Discard the lost frame…</source>
        <translation>Verlorenes Bild verwerfen…</translation>
    </message>
    <message>
        <source>{temperature_C:.1f} °C</source>
        <translation>{temperature_C:.1f} °C</translation>
    </message>
    <message>
        <source>battery {battery_percent:.0f} %</source>
        <translation>Akku {battery_percent:.0f} %</translation>
    </message>
    <message>
        <source>link {link_quality_percent:.0f} %</source>
        <translation>Funk {link_quality_percent:.0f} %</translation>
    </message>
    <message>
        <source>simulated</source>
        <translation>simuliert</translation>
    </message>
    <message>
        <source>Prep is not possible until this is resolved.</source>
        <translation>Vorbereitung ist erst möglich, wenn das behoben ist.</translation>
    </message>
    <message>
        <source>Prep is not possible: {why}</source>
        <translation>Vorbereitung nicht möglich: {why}</translation>
    </message>
</context>
<context>
    <name>ServicePage</name>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>Station</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Protokolle</translation>
    </message>
    <message>
        <source>Detector and simulator</source>
        <translation>Detektor und Simulator</translation>
    </message>
    <message>
        <source>Reference levels</source>
        <translation>Referenzwerte</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>Qualität</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Konten</translation>
    </message>
    <message>
        <source>The {tab} tab</source>
        <translation>Der Reiter {tab}</translation>
    </message>
    <message>
        <source>Service pages</source>
        <translation>Service-Seiten</translation>
    </message>
    <message>
        <source>The service pages change how this station works: its settings, the DICOM nodes, the detector calibration and the simulator&apos;s faults. Continue only if you are service staff or were asked to by them.</source>
        <translation>Die Service-Seiten ändern, wie diese Station arbeitet: ihre Einstellungen, die DICOM-Knoten, die Detektorkalibrierung und die Fehler des Simulators. Nur fortfahren, wenn Sie zum Service gehören oder von ihm darum gebeten wurden.</translation>
    </message>
    <message>
        <source>Open the service pages</source>
        <translation>Service-Seiten öffnen</translation>
    </message>
</context>
<context>
    <name>StationTab</name>
    <message>
        <source>Accept associations from any calling AE title</source>
        <translation>Verbindungen von jedem rufenden AE-Titel annehmen</translation>
    </message>
    <message>
        <source>Write patient names and IDs into the logs</source>
        <translation>Patientennamen und -IDs in die Protokolle schreiben</translation>
    </message>
    <message>
        <source>Send accepted images to the store nodes when the exam closes</source>
        <translation>Angenommene Bilder beim Abschließen der Untersuchung an die Speicherknoten senden</translation>
    </message>
    <message>
        <source>The station&apos;s locale</source>
        <translation>Gebietsschema der Station</translation>
    </message>
    <message>
        <source>AE title</source>
        <translation>AE-Titel</translation>
    </message>
    <message>
        <source>Listen port</source>
        <translation>Empfangsport</translation>
    </message>
    <message>
        <source>Station name</source>
        <translation>Stationsname</translation>
    </message>
    <message>
        <source>Institution</source>
        <translation>Einrichtung</translation>
    </message>
    <message>
        <source>Institution address</source>
        <translation>Anschrift der Einrichtung</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>Abteilung</translation>
    </message>
    <message>
        <source>Character set</source>
        <translation>Zeichensatz</translation>
    </message>
    <message>
        <source>Language (at the next start)</source>
        <translation>Sprache (ab dem nächsten Start)</translation>
    </message>
    <message>
        <source>DI warning beyond ±</source>
        <translation>DI-Warnung ab ±</translation>
    </message>
    <message>
        <source>DI alarm beyond ±</source>
        <translation>DI-Alarm ab ±</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>Einstellungen speichern</translation>
    </message>
    <message>
        <source>Configuration: {path}
Data: {data}</source>
        <translation>Konfiguration: {path}
Daten: {data}</translation>
    </message>
    <message>
        <source>Listener: {state}</source>
        <translation>Listener: {state}</translation>
    </message>
    <message>
        <source> — {n} C-ECHO answered</source>
        <translation> — {n} C-ECHO beantwortet</translation>
    </message>
    <message>
        <source>Not saved: listen port &apos;{text}&apos; is not a whole number</source>
        <translation>Nicht gespeichert: Empfangsport „{text}“ ist keine ganze Zahl</translation>
    </message>
    <message>
        <source>Saved and in effect.</source>
        <translation>Gespeichert und wirksam.</translation>
    </message>
    <message>
        <source> The window&apos;s language changes when the console starts again.</source>
        <translation> Die Sprache des Fensters wechselt beim nächsten Start der Konsole.</translation>
    </message>
</context>
<context>
    <name>TechniquePanel</name>
    <message>
        <source>Technique</source>
        <translation>Aufnahmeparameter</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>Links</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>Rechts</translation>
    </message>
    <message>
        <source> kV</source>
        <translation> kV</translation>
    </message>
    <message>
        <source> mAs</source>
        <translation> mAs</translation>
    </message>
    <message>
        <source> mm</source>
        <translation> mm</translation>
    </message>
    <message>
        <source>EI_T</source>
        <translation>EI_T</translation>
    </message>
    <message>
        <source>Side, SID</source>
        <translation>Seite, FHA</translation>
    </message>
    <message>
        <source>kV, mAs</source>
        <translation>kV, mAs</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>Raster</translation>
    </message>
    <message>
        <source>grid</source>
        <translation>Raster</translation>
    </message>
    <message>
        <source>no grid</source>
        <translation>ohne Raster</translation>
    </message>
    <message>
        <source>AEC {chambers}</source>
        <translation>Belichtungsautomatik {chambers}</translation>
    </message>
    <message>
        <source>no AEC</source>
        <translation>ohne Belichtungsautomatik</translation>
    </message>
    <message>
        <source>{grid}, {aec}</source>
        <translation>{grid}, {aec}</translation>
    </message>
</context>
<context>
    <name>Words</name>
    <message>
        <source>scheduled</source>
        <translation>geplant</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>in Arbeit</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <source>discontinued</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>gone</source>
        <translation>entfallen</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <source>acquired</source>
        <translation>aufgenommen</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>verworfen</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>eingereiht</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>wird gesendet</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>gesendet</translation>
    </message>
    <message>
        <source>done</source>
        <translation>erledigt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>ausstehend</translation>
    </message>
    <message>
        <source>committed</source>
        <translation>bestätigt</translation>
    </message>
    <message>
        <source>partial</source>
        <translation>teilweise</translation>
    </message>
    <message>
        <source>timed out</source>
        <translation>Zeit überschritten</translation>
    </message>
    <message>
        <source>STAT</source>
        <translation>NOTFALL</translation>
    </message>
    <message>
        <source>HIGH</source>
        <translation>HOCH</translation>
    </message>
    <message>
        <source>ROUTINE</source>
        <translation>ROUTINE</translation>
    </message>
    <message>
        <source>MEDIUM</source>
        <translation>MITTEL</translation>
    </message>
    <message>
        <source>LOW</source>
        <translation>NIEDRIG</translation>
    </message>
    <message>
        <source>M</source>
        <translation>M</translation>
    </message>
    <message>
        <source>F</source>
        <translation>W</translation>
    </message>
    <message>
        <source>O</source>
        <translation>D</translation>
    </message>
</context>
<context>
    <name>WorklistPage</name>
    <message>
        <source>Worklist not asked yet</source>
        <translation>Arbeitsliste noch nicht abgefragt</translation>
    </message>
    <message>
        <source>Emergency</source>
        <translation>Notfall</translation>
    </message>
    <message>
        <source>Start a trauma exam now under a temporary ID and name ({shortcut}); reconcile it with the order when the order arrives</source>
        <translation>Sofort eine Trauma-Untersuchung unter vorläufiger ID und vorläufigem Namen beginnen ({shortcut}); mit dem Auftrag abgleichen, sobald er eintrifft</translation>
    </message>
    <message>
        <source>Scan or type accession / patient ID, Enter</source>
        <translation>Auftragsnummer / Patienten-ID scannen oder tippen, Eingabe</translation>
    </message>
    <message>
        <source>A barcode scanner types here: the order with that Accession Number (else Patient ID, else Requested Procedure ID) is started</source>
        <translation>Ein Barcodescanner schreibt hier: der Auftrag mit dieser Auftragsnummer (sonst Patienten-ID, sonst Requested Procedure ID) wird begonnen</translation>
    </message>
    <message>
        <source>Filter: name, patient ID or accession</source>
        <translation>Filter: Name, Patienten-ID oder Auftragsnummer</translation>
    </message>
    <message>
        <source>Scheduled on</source>
        <translation>Geplant am</translation>
    </message>
    <message>
        <source>Refresh worklist</source>
        <translation>Arbeitsliste aktualisieren</translation>
    </message>
    <message>
        <source>Register patient…</source>
        <translation>Patient registrieren…</translation>
    </message>
    <message>
        <source>An unscheduled patient, typed in</source>
        <translation>Ein ungeplanter Patient, von Hand eingegeben</translation>
    </message>
    <message>
        <source>Reconcile…</source>
        <translation>Abgleichen…</translation>
    </message>
    <message>
        <source>File an emergency (unscheduled) exam under the selected order</source>
        <translation>Eine Notfalluntersuchung (ungeplant) unter dem gewählten Auftrag ablegen</translation>
    </message>
    <message>
        <source>Start exam</source>
        <translation>Untersuchung beginnen</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>Patient ID</source>
        <translation>Patienten-ID</translation>
    </message>
    <message>
        <source>Born</source>
        <translation>Geboren</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Geschlecht</translation>
    </message>
    <message>
        <source>Accession</source>
        <translation>Auftragsnummer</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Untersuchungsart</translation>
    </message>
    <message>
        <source>Modality</source>
        <translation>Modalität</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>No worklist node is configured (Service → Nodes); register patients by hand.</source>
        <translation>Kein Arbeitslisten-Knoten eingerichtet (Service → Knoten); Patienten von Hand registrieren.</translation>
    </message>
    <message>
        <source>Asking the worklist…</source>
        <translation>Arbeitsliste wird abgefragt…</translation>
    </message>
    <message>
        <source>Asked at {time}: {outcome}</source>
        <translation>Abgefragt um {time}: {outcome}</translation>
    </message>
    <message>
        <source>The worklist could not be fetched from {nodes}. The orders already here can still be examined; check the node on the Service page (Echo) or register the patient by hand.</source>
        <translation>Die Arbeitsliste konnte nicht von {nodes} geholt werden. Die vorhandenen Aufträge können weiter untersucht werden; den Knoten auf der Service-Seite prüfen (Echo) oder den Patienten von Hand registrieren.</translation>
    </message>
    <message>
        <source>Worklist refresh failed: {error}</source>
        <translation>Aktualisieren der Arbeitsliste fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>registered here</source>
        <translation>hier registriert</translation>
    </message>
    <message>
        <source>Emergency exam for {name} ({patient_id}). When the order arrives, select it here and press Reconcile.</source>
        <translation>Notfalluntersuchung für {name} ({patient_id}). Wenn der Auftrag eintrifft, ihn hier wählen und Abgleichen drücken.</translation>
    </message>
    <message>
        <source>The emergency patient could not be registered: {error}. Press Emergency again, or register the patient by hand.</source>
        <translation>Der Notfallpatient konnte nicht registriert werden: {error}. Erneut Notfall drücken oder den Patienten von Hand registrieren.</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; is not in the list: asking the worklist…</source>
        <translation>„{value}“ steht nicht in der Liste: Arbeitsliste wird abgefragt…</translation>
    </message>
    <message>
        <source>No scheduled order has the accession, patient ID or requested procedure ID &apos;{value}&apos;. Refresh the worklist, or check the label.</source>
        <translation>Kein geplanter Auftrag hat die Auftragsnummer, Patienten-ID oder Requested Procedure ID „{value}“. Arbeitsliste aktualisieren oder das Etikett prüfen.</translation>
    </message>
    <message>
        <source>The worklist could not be asked: {error}</source>
        <translation>Die Arbeitsliste konnte nicht abgefragt werden: {error}</translation>
    </message>
    <message>
        <source>{count} orders match &apos;{value}&apos;: choose one in the list and press Start exam.</source>
        <translation>{count} Aufträge passen zu „{value}“: einen in der Liste wählen und Untersuchung beginnen drücken.</translation>
    </message>
    <message>
        <source>There is no emergency or unscheduled exam to reconcile.</source>
        <translation>Es gibt keine Notfall- oder ungeplante Untersuchung zum Abgleichen.</translation>
    </message>
    <message>
        <source>Reconciling…</source>
        <translation>Wird abgeglichen…</translation>
    </message>
    <message>
        <source>Reconciled: the exam of {temporary} is filed under patient {patient_id}, accession {accession}; {files} object(s) corrected and queued to be sent again.</source>
        <translation>Abgeglichen: die Untersuchung von {temporary} ist unter Patient {patient_id}, Auftragsnummer {accession} abgelegt; {files} Objekt(e) korrigiert und zum erneuten Senden eingereiht.</translation>
    </message>
    <message>
        <source>Not reconciled: {error}</source>
        <translation>Nicht abgeglichen: {error}</translation>
    </message>
</context>
<context>
    <name>widget</name>
    <message>
        <source>Changing the configuration</source>
        <translation>Die Konfiguration ändern</translation>
    </message>
    <message>
        <source>Not saved: {reason}</source>
        <translation>Nicht gespeichert: {reason}</translation>
    </message>
</context>
</TS>
