<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP" sourcelanguage="en">
<context>
    <name>AccountsTab</name>
    <message>
        <source>User</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>表示名</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>ロール</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Family^Given</source>
        <translation>姓^名</translation>
    </message>
    <message>
        <source>optional, 4+ digits</source>
        <translation>任意、4桁以上</translation>
    </message>
    <message>
        <source>radiographer</source>
        <translation>診療放射線技師</translation>
    </message>
    <message>
        <source>service</source>
        <translation>サービス</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>管理者</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>ユーザー名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Add account</source>
        <translation>アカウント追加</translation>
    </message>
    <message>
        <source>Set password of selected</source>
        <translation>選択したアカウントのパスワード設定</translation>
    </message>
    <message>
        <source>Disable selected</source>
        <translation>選択を無効化</translation>
    </message>
    <message>
        <source>Enable selected</source>
        <translation>選択を有効化</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>無効</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>ロック中</translation>
    </message>
    <message>
        <source>enabled</source>
        <translation>有効</translation>
    </message>
    <message>
        <source>Account {user} added.</source>
        <translation>アカウント {user} を追加しました。</translation>
    </message>
    <message>
        <source>Password of {user} changed.</source>
        <translation>{user} のパスワードを変更しました。</translation>
    </message>
    <message>
        <source>Account {user} disabled.</source>
        <translation>アカウント {user} を無効にしました。</translation>
    </message>
    <message>
        <source>Account {user} enabled.</source>
        <translation>アカウント {user} を有効にしました。</translation>
    </message>
</context>
<context>
    <name>BodyPartDialog</name>
    <message>
        <source>Add protocol</source>
        <translation>プロトコルを追加</translation>
    </message>
</context>
<context>
    <name>BodyPartPicker</name>
    <message>
        <source>Head</source>
        <translation>頭部</translation>
    </message>
    <message>
        <source>Neck / C-spine</source>
        <translation>頸部 / 頸椎</translation>
    </message>
    <message>
        <source>Chest</source>
        <translation>胸部</translation>
    </message>
    <message>
        <source>Shoulder / Arm</source>
        <translation>肩 / 腕</translation>
    </message>
    <message>
        <source>Hand / Wrist</source>
        <translation>手 / 手関節</translation>
    </message>
    <message>
        <source>Abdomen</source>
        <translation>腹部</translation>
    </message>
    <message>
        <source>Spine</source>
        <translation>脊椎</translation>
    </message>
    <message>
        <source>Pelvis / Hip</source>
        <translation>骨盤 / 股関節</translation>
    </message>
    <message>
        <source>Leg</source>
        <translation>下肢</translation>
    </message>
    <message>
        <source>Knee</source>
        <translation>膝</translation>
    </message>
    <message>
        <source>Ankle / Foot</source>
        <translation>足関節 / 足</translation>
    </message>
    <message>
        <source>Breast (MG)</source>
        <translation>乳房（MG）</translation>
    </message>
    <message>
        <source>Choose a body region</source>
        <translation>部位を選択</translation>
    </message>
    <message>
        <source>{region}: choose a view</source>
        <translation>{region}: 撮影方向を選択</translation>
    </message>
    <message>
        <source>side asked</source>
        <translation>左右を指定</translation>
    </message>
    <message>
        <source>{name}
{kv} kV · {mas} mAs · EI target {ei}</source>
        <translation>{name}
{kv} kV · {mas} mAs · 目標EI {ei}</translation>
    </message>
</context>
<context>
    <name>CloseDialog</name>
    <message>
        <source>Close the exam</source>
        <translation>検査の終了</translation>
    </message>
    <message>
        <source>{accepted} accepted, {rejected} rejected, {unreviewed} not reviewed.</source>
        <translation>承認 {accepted} 枚、リジェクト {rejected} 枚、未確認 {unreviewed} 枚。</translation>
    </message>
    <message>
        <source>{accepted} accepted, {rejected} rejected.</source>
        <translation>承認 {accepted} 枚、リジェクト {rejected} 枚。</translation>
    </message>
    <message>
        <source>Complete — MPPS COMPLETED, accepted images and the dose report sent</source>
        <translation>完了 — MPPS COMPLETED、承認画像と線量レポートを送信</translation>
    </message>
    <message>
        <source>Discontinue — MPPS DISCONTINUED with a reason</source>
        <translation>中止 — 理由を付けて MPPS DISCONTINUED</translation>
    </message>
    <message>
        <source> Review every image before completing.</source>
        <translation> 完了する前にすべての画像を確認してください。</translation>
    </message>
    <message>
        <source> Nothing is accepted.</source>
        <translation> 承認された画像がありません。</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>印刷</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>プリンタ</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>レイアウト</translation>
    </message>
    <message>
        <source>Close exam</source>
        <translation>検査終了</translation>
    </message>
</context>
<context>
    <name>DecisionBox</name>
    <message>
        <source>Review</source>
        <translation>画像確認</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>承認</translation>
    </message>
    <message>
        <source>Choose a reason…</source>
        <translation>理由を選択…</translation>
    </message>
    <message>
        <source>{meaning} (local)</source>
        <translation>{meaning}（施設独自）</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>リジェクト</translation>
    </message>
    <message>
        <source>Reject + retake</source>
        <translation>リジェクト＋再撮影</translation>
    </message>
    <message>
        <source>as {name}</source>
        <translation>{name} として</translation>
    </message>
    <message>
        <source>Re-process</source>
        <translation>再処理</translation>
    </message>
    <message>
        <source>Choose the reason first</source>
        <translation>先に理由を選択してください</translation>
    </message>
</context>
<context>
    <name>DetectorTab</name>
    <message>
        <source>Take dark and flat-field frames and calibrate</source>
        <translation>ダーク画像とフラットフィールド画像を撮ってキャリブレーション</translation>
    </message>
    <message>
        <source>Detector calibration</source>
        <translation>検出器キャリブレーション</translation>
    </message>
    <message>
        <source>value (default if empty)</source>
        <translation>値（空欄で既定値）</translation>
    </message>
    <message>
        <source>Inject</source>
        <translation>注入</translation>
    </message>
    <message>
        <source>Clear all faults</source>
        <translation>すべての故障を解除</translation>
    </message>
    <message>
        <source>Ask the room now</source>
        <translation>撮影室の状態を今すぐ確認</translation>
    </message>
    <message>
        <source>Simulator fault injection (QA)</source>
        <translation>シミュレータへの故障注入（QA）</translation>
    </message>
    <message>
        <source>Fault</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>{model}: {state}</source>
        <translation>{model}: {state}</translation>
    </message>
    <message>
        <source>Calibrating: dark frames, then flat-field frames…</source>
        <translation>キャリブレーション中: ダーク画像、次にフラットフィールド画像…</translation>
    </message>
    <message>
        <source>Calibrated: {n} defect pixels; saved to {path}</source>
        <translation>キャリブレーション完了: 欠陥画素 {n} 個。保存先 {path}</translation>
    </message>
    <message>
        <source>Calibration failed: {reason}; the previous calibration stays in use</source>
        <translation>キャリブレーション失敗: {reason}。以前のキャリブレーションを引き続き使用します</translation>
    </message>
    <message>
        <source>Injected {spec}.</source>
        <translation>{spec} を注入しました。</translation>
    </message>
    <message>
        <source>Faults cleared.</source>
        <translation>故障を解除しました。</translation>
    </message>
</context>
<context>
    <name>DoseNotificationDialog</name>
    <message>
        <source>Dose notification</source>
        <translation>線量通知</translation>
    </message>
    <message>
        <source>This exposure would pass a dose notification level.</source>
        <translation>この照射は線量通知レベルを超えます。</translation>
    </message>
    <message>
        <source>Reason for exposing (recorded with the exam):</source>
        <translation>照射の理由 (検査と共に記録されます):</translation>
    </message>
    <message>
        <source>e.g. patient habitus, repeat for motion</source>
        <translation>例: 体格、体動による再撮影</translation>
    </message>
    <message>
        <source>Confirm and expose</source>
        <translation>確認して照射</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <source>{protocol}: this exposure {projected} — exposure level {level} ({source}); exam total so far {total}</source>
        <translation>{protocol}: この照射 {projected} — 照射あたりのレベル {level} ({source})、検査合計 {total}</translation>
    </message>
    <message>
        <source>{protocol}: exam total would be {after} (so far {total}, this exposure {projected}) — exam level {level} ({source})</source>
        <translation>{protocol}: 検査合計は {after} になります (これまで {total}、この照射 {projected}) — 検査あたりのレベル {level} ({source})</translation>
    </message>
    <message numerus="yes">
        <source>≥ {total} (%n exposure(s) without DAP)</source>
        <translation>
            <numerusform>≥ {total}（DAP のない曝射 %n 件）</numerusform>
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
        <translation>この検査で曝射が進行中です。</translation>
    </message>
    <message>
        <source>A frame is still in the panel, not stored yet: {what}
Recover it first, or suspend this exam: the frame stays in the panel and is recovered into the exam it was taken for later.</source>
        <translation>パネルにまだ保存されていない画像があります: {what}
先に回収するか、この検査を保留してください。画像はパネルに残り、後で撮影された検査に回収されます。</translation>
    </message>
    <message>
        <source>The image of an exposure of this exam is still in the panel (its transfer failed): {what}.
Recover it first (Recover the frame from the panel), or suspend the exam: the frame stays in the panel and is recovered into this exam later, even while another exam is on screen.</source>
        <translation>この検査の曝射の画像がまだパネルにあります（転送に失敗しました）: {what}。
先に回収する（パネルから画像を回収）か、検査を保留してください。画像はパネルに残り、別の検査を表示中でも後でこの検査に回収されます。</translation>
    </message>
    <message>
        <source>{n} image(s) of this exam are not reviewed yet.</source>
        <translation>この検査には未確認の画像が {n} 枚あります。</translation>
    </message>
    <message>
        <source>Cannot read the exam summary: {error}</source>
        <translation>検査サマリーを読み込めません: {error}</translation>
    </message>
    <message>
        <source> and a print job</source>
        <translation>と印刷ジョブ</translation>
    </message>
    <message>
        <source>Exam completed: MPPS COMPLETED queued, images and the dose report queued to {stores} archive(s){printed}. Their progress is shown below.</source>
        <translation>検査完了: MPPS COMPLETED をキューに入れ、画像と線量レポートを {stores} 件のアーカイブへ送信待ちにしました{printed}。進捗は下に表示されます。</translation>
    </message>
    <message>
        <source>Exam discontinued: MPPS DISCONTINUED queued, images and the dose report queued to {stores} archive(s){printed}. Their progress is shown below.</source>
        <translation>検査中止: MPPS DISCONTINUED をキューに入れ、画像と線量レポートを {stores} 件のアーカイブへ送信待ちにしました{printed}。進捗は下に表示されます。</translation>
    </message>
</context>
<context>
    <name>ExamPage</name>
    <message>
        <source>No exam open: choose an order on the worklist.</source>
        <translation>検査が開かれていません。ワークリストでオーダを選択してください。</translation>
    </message>
    <message>
        <source>Close exam…</source>
        <translation>検査終了…</translation>
    </message>
    <message>
        <source>ID {PatientID}</source>
        <translation>ID {PatientID}</translation>
    </message>
    <message>
        <source>accession {AccessionNumber}</source>
        <translation>受付番号 {AccessionNumber}</translation>
    </message>
    <message>
        <source>unscheduled</source>
        <translation>予約外</translation>
    </message>
    <message>
        <source>Image received — processing</source>
        <translation>画像受信 — 処理中</translation>
    </message>
    <message>
        <source>open an exam first</source>
        <translation>先に検査を開いてください</translation>
    </message>
    <message>
        <source>add a protocol first</source>
        <translation>先にプロトコルを追加してください</translation>
    </message>
    <message>
        <source>{name} needs a side: choose Left or Right</source>
        <translation>{name} には左右の指定が必要です: 左または右を選んでください</translation>
    </message>
    <message>
        <source>a frame is being recovered from the panel</source>
        <translation>パネルから画像を回収中です</translation>
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
        <translation>不明（{count} 件中 {n} 件の曝射に DAP なし）</translation>
    </message>
    <message>
        <source>≥ {dap} dGy·cm² ({n} of {count} exposures without DAP)</source>
        <translation>≥ {dap} dGy·cm²（{count} 件中 {n} 件の曝射に DAP なし）</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>プロトコル</translation>
    </message>
    <message>
        <source>Side</source>
        <translation>左右</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
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
        <translation>DAP (dGy·cm²)</translation>
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
        <translation>承認</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>却下</translation>
    </message>
    <message>
        <source>to review</source>
        <translation>確認待ち</translation>
    </message>
    <message>
        <source>rejected: {reason}</source>
        <translation>却下: {reason}</translation>
    </message>
    <message>
        <source>{state}, partial</source>
        <translation>{state}、不完全</translation>
    </message>
    <message>
        <source>{n} exposures, {rejected} rejected   |   exam DAP {dap}</source>
        <translation>曝射 {n} 件、却下 {rejected} 件   |   検査 DAP {dap}</translation>
    </message>
</context>
<context>
    <name>ExposureSequence</name>
    <message>
        <source>Prep: {name} — press Expose when the generator and the detector are READY</source>
        <extracomment>(protocol id, reason) of a confirmed dose notification, for the next exposure</extracomment>
        <translation>準備: {name} — 発生装置と検出器が準備完了になったら曝射を押してください</translation>
    </message>
    <message>
        <source>No image: {exc}</source>
        <translation>画像なし: {exc}</translation>
    </message>
    <message>
        <source>Not exposed: the dose notification was not confirmed</source>
        <translation>照射しませんでした: 線量通知が確認されていません</translation>
    </message>
    <message>
        <source>Dose notification confirmed — press Prep and Expose again for {name}</source>
        <translation>線量通知を確認しました — {name} のために再度 Prep と Expose を押してください</translation>
    </message>
</context>
<context>
    <name>FrameRecovery</name>
    <message>
        <source>Recovering the frame left in the panel…</source>
        <translation>パネルに残った画像を回収しています…</translation>
    </message>
    <message>
        <source>The frame could not be recovered: {error}</source>
        <translation>画像を回収できませんでした: {error}</translation>
    </message>
    <message>
        <source>Discard the lost frame</source>
        <translation>失われた画像を破棄</translation>
    </message>
    <message>
        <source>{what}
was made but its image is not stored. Why is it given up? (recorded in the audit trail)</source>
        <translation>{what}
は撮影されましたが、画像が保存されていません。破棄する理由は？（監査記録に残ります）</translation>
    </message>
    <message>
        <source>Nothing discarded: a reason is needed.</source>
        <translation>破棄していません: 理由が必要です。</translation>
    </message>
    <message>
        <source>Discarded, with the reason recorded: {reason}</source>
        <translation>破棄しました。理由を記録しました: {reason}</translation>
    </message>
</context>
<context>
    <name>HistoryPage</name>
    <message>
        <source>Name, patient ID or accession</source>
        <translation>氏名、患者IDまたは受付番号</translation>
    </message>
    <message>
        <source>from YYYYMMDD</source>
        <translation>開始 YYYYMMDD</translation>
    </message>
    <message>
        <source>to YYYYMMDD</source>
        <translation>終了 YYYYMMDD</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>検索</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Patient ID</source>
        <translation>患者ID</translation>
    </message>
    <message>
        <source>Accession</source>
        <translation>受付番号</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>説明</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>承認済み</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Continue / add images</source>
        <translation>続行 / 画像を追加</translation>
    </message>
    <message>
        <source>Re-send</source>
        <translation>再送信</translation>
    </message>
    <message>
        <source>Priors from PACS</source>
        <translation>PACSの過去検査</translation>
    </message>
    <message>
        <source>Retrieve prior</source>
        <translation>過去画像を取得</translation>
    </message>
    <message>
        <source>Fetch the chosen study into the priors cache, to be shown beside new images (Prior, P)</source>
        <translation>選択した検査を過去画像キャッシュに取得し、新しい画像の横に表示します (過去, P)</translation>
    </message>
    <message>
        <source>Export to media…</source>
        <translation>メディアへエクスポート…</translation>
    </message>
    <message>
        <source>Write the exam to a folder or USB stick as DICOM media with a DICOMDIR</source>
        <translation>検査を DICOMDIR 付きの DICOM メディアとしてフォルダまたは USB メモリに書き出す</translation>
    </message>
    <message>
        <source>Import from media…</source>
        <translation>メディアから取り込み…</translation>
    </message>
    <message>
        <source>List the studies on a CD, USB stick or folder with a DICOMDIR; keep the chosen ones as priors or send them to the PACS</source>
        <translation>DICOMDIR のある CD・USB メモリ・フォルダの検査を一覧し、選んだものを過去画像として保持するか PACS へ送信します</translation>
    </message>
    <message>
        <source>Move to the right order…</source>
        <translation>正しいオーダーへ移動…</translation>
    </message>
    <message>
        <source>The exam was filed under the wrong patient or order: file its images under the right one and withdraw them from the wrong one</source>
        <translation>検査が誤った患者またはオーダーに登録されました: 画像を正しい方に登録し、誤った方から取り下げます</translation>
    </message>
    <message>
        <source>De-identify</source>
        <translation>匿名化</translation>
    </message>
    <message>
        <source>Remove the patient&apos;s identity (DICOM PS3.15 Basic Profile) from the exported copies</source>
        <translation>エクスポートしたコピーから患者の識別情報を削除する (DICOM PS3.15 Basic Profile)</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>プロトコル</translation>
    </message>
    <message>
        <source>Side</source>
        <translation>左右</translation>
    </message>
    <message>
        <source>Acquired</source>
        <translation>撮影</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>送信</translation>
    </message>
    <message>
        <source>Committed</source>
        <translation>保管確認</translation>
    </message>
    <message>
        <source>Reject sent image</source>
        <translation>送信済み画像を却下</translation>
    </message>
    <message>
        <source>Withdraw the selected image from the PACS: a rejection note goes to every node it was sent to</source>
        <translation>選択した画像を PACS から取り下げます: 送信先のすべてのノードに却下通知を送ります</translation>
    </message>
    <message>
        <source>Modalities</source>
        <translation>モダリティ</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>シリーズ</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>From</source>
        <translation>取得元</translation>
    </message>
    <message>
        <source>Images of the selected exam</source>
        <translation>選択した検査の画像</translation>
    </message>
    <message>
        <source>Exam summary: dose and technique</source>
        <translation>検査サマリー: 線量と撮影条件</translation>
    </message>
    <message>
        <source>The patient&apos;s studies at the PACS</source>
        <translation>PACSにあるこの患者の検査</translation>
    </message>
    <message>
        <source>open</source>
        <translation>実施中</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>Continue exam</source>
        <translation>検査を続行</translation>
    </message>
    <message>
        <source>Add images</source>
        <translation>画像を追加</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>承認済み</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>リジェクト</translation>
    </message>
    <message>
        <source>to review</source>
        <translation>未確認</translation>
    </message>
    <message>
        <source>Dose report</source>
        <translation>線量レポート</translation>
    </message>
    <message>
        <source>Rejection note</source>
        <translation>却下通知</translation>
    </message>
    <message>
        <source>rejected: {reason}</source>
        <translation>却下: {reason}</translation>
    </message>
    <message>
        <source>{state}, PARTIAL EXPOSURE</source>
        <translation>{state}、部分曝射</translation>
    </message>
    <message>
        <source>Reject a sent image?</source>
        <translation>送信済みの画像を却下しますか?</translation>
    </message>
    <message>
        <source>The image ({protocol}) was sent to {nodes}. It will be withdrawn there with the reason &quot;{reason}&quot;; the dose report keeps the exposure. This cannot be undone.</source>
        <translation>画像 ({protocol}) は {nodes} に送信済みです。理由「{reason}」で取り下げます。線量レポートには照射が残ります。元に戻せません。</translation>
    </message>
    <message>
        <source>Reject and withdraw</source>
        <translation>却下して取り下げ</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>保持する</translation>
    </message>
    <message>
        <source>Image rejected; a rejection note is queued to {nodes}.</source>
        <translation>画像を却下しました。却下通知を {nodes} へ送信待ちにしました。</translation>
    </message>
    <message>
        <source>The image was not rejected: {reason}</source>
        <translation>画像は却下されませんでした: {reason}</translation>
    </message>
    <message>
        <source>Export to: an empty folder or a USB stick</source>
        <translation>エクスポート先: 空のフォルダまたは USB メモリ</translation>
    </message>
    <message>
        <source>{n} object(s) written to {folder}, de-identified.</source>
        <translation>{n} 個のオブジェクトを匿名化して {folder} に書き出しました。</translation>
    </message>
    <message>
        <source>{n} object(s) written to {folder}.</source>
        <translation>{n} 個のオブジェクトを {folder} に書き出しました。</translation>
    </message>
    <message>
        <source>Export failed: {reason}</source>
        <translation>エクスポート失敗: {reason}</translation>
    </message>
    <message>
        <source>Writing the exam to {folder}…</source>
        <translation>検査を {folder} に書き出し中…</translation>
    </message>
    <message>
        <source>Import from: the media&apos;s folder (it holds DICOMDIR)</source>
        <translation>取り込み元: メディアのフォルダ (DICOMDIR を含む)</translation>
    </message>
    <message>
        <source>No scheduled order to move the images to: refresh the worklist or register the patient first.</source>
        <translation>画像の移動先となる予定オーダーがありません: 先にワークリストを更新するか患者を登録してください。</translation>
    </message>
    <message>
        <source>Move to the right order</source>
        <translation>正しいオーダーへ移動</translation>
    </message>
    <message>
        <source>The images of {name} ({pid}) belong to:</source>
        <translation>{name} ({pid}) の画像の正しい所属:</translation>
    </message>
    <message>
        <source>{n} image(s) moved to {name}; the wrong ones are withdrawn.</source>
        <translation>{n} 枚の画像を {name} に移動し、誤った画像は取り下げました。</translation>
    </message>
    <message>
        <source>The images were not moved: {reason}</source>
        <translation>画像は移動されませんでした: {reason}</translation>
    </message>
    <message>
        <source>Re-send failed: {reason}</source>
        <translation>再送信に失敗しました: {reason}</translation>
    </message>
    <message>
        <source>{n} send job(s) queued; the status below follows them.</source>
        <translation>送信ジョブ {n} 件をキューに入れました。下の状態に進捗が表示されます。</translation>
    </message>
    <message>
        <source>Priors could not be asked of {nodes}</source>
        <translation>過去検査を問い合わせできませんでした: {nodes}</translation>
    </message>
    <message>
        <source>{n} earlier stud(ies) of this patient at the PACS.</source>
        <translation>PACSにこの患者の過去検査が {n} 件あります。</translation>
    </message>
    <message>
        <source>Priors could not be asked: {reason}</source>
        <translation>過去検査を問い合わせできませんでした: {reason}</translation>
    </message>
    <message>
        <source>Asking the PACS for this patient&apos;s studies…</source>
        <translation>この患者の検査をPACSに問い合わせています…</translation>
    </message>
    <message>
        <source>Prior retrieved in part: {what}</source>
        <translation>過去画像を一部取得: {what}</translation>
    </message>
    <message>
        <source>{n} image(s) of the prior retrieved; Prior (P) shows them beside the image.</source>
        <translation>過去画像 {n} 枚を取得しました。過去 (P) で画像の横に表示します。</translation>
    </message>
    <message>
        <source>The prior could not be retrieved: {reason}</source>
        <translation>過去画像を取得できませんでした: {reason}</translation>
    </message>
    <message>
        <source>Retrieving the prior from {node}…</source>
        <translation>{node} から過去画像を取得中…</translation>
    </message>
</context>
<context>
    <name>ImageDisplay</name>
    <message>
        <source>The image cannot be shown: {exc}</source>
        <translation>画像を表示できません: {exc}</translation>
    </message>
    <message>
        <source>  (preview)</source>
        <translation>  （プレビュー）</translation>
    </message>
    <message>
        <source>REJECTED: {reason}</source>
        <translation>リジェクト: {reason}</translation>
    </message>
    <message>
        <source>PARTIAL EXPOSURE</source>
        <translation>部分曝射</translation>
    </message>
    <message>
        <source>The image file cannot be read: {exc}</source>
        <translation>画像ファイルを読めません: {exc}</translation>
    </message>
    <message>
        <source>no processed image</source>
        <translation>処理済み画像なし</translation>
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
        <translation>目標範囲内</translation>
    </message>
    <message>
        <source>outside the target range</source>
        <translation>目標範囲外</translation>
    </message>
    <message>
        <source>far from target — check exposure</source>
        <translation>目標から大きく外れています — 曝射条件を確認</translation>
    </message>
    <message>
        <source>no target</source>
        <translation>目標なし</translation>
    </message>
    <message>
        <source>EI {ei}   EI_T {ei_t}   DI {di}   ({words})</source>
        <translation>EI {ei}   EI_T {ei_t}   DI {di}   （{words}）</translation>
    </message>
    <message>
        <source>exam DAP {dap}</source>
        <translation>検査 DAP {dap}</translation>
    </message>
    <message>
        <source>{kv} kV  {ma} mA  {ms} ms  {mas} mAs  DAP {dap} dGy·cm²   |   {exam}</source>
        <translation>{kv} kV  {ma} mA  {ms} ms  {mas} mAs  DAP {dap} dGy·cm²   |   {exam}</translation>
    </message>
</context>
<context>
    <name>ImageNotes</name>
    <message>
        <source>Text on the image</source>
        <translation>画像上のテキスト</translation>
    </message>
    <message>
        <source>Text:</source>
        <translation>テキスト：</translation>
    </message>
    <message>
        <source>Annotations cannot be read: {error}</source>
        <translation>アノテーションを読み込めません：{error}</translation>
    </message>
    <message>
        <source>Annotations not saved: {error}</source>
        <translation>アノテーションを保存できません：{error}</translation>
    </message>
    <message>
        <source>The texts and distances were removed: the image was turned or cropped</source>
        <translation>画像が回転またはトリミングされたため、テキストと計測を削除しました</translation>
    </message>
</context>
<context>
    <name>ImageStatusTable</name>
    <message>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>送信</translation>
    </message>
    <message>
        <source>Committed</source>
        <translation>保管確認</translation>
    </message>
    <message>
        <source>Sent and committed</source>
        <translation>送信と保管確認</translation>
    </message>
    <message>
        <source>Dose report</source>
        <translation>線量レポート</translation>
    </message>
    <message>
        <source>to review</source>
        <translation>未確認</translation>
    </message>
    <message>
        <source>{state}, PARTIAL EXPOSURE</source>
        <translation>{state}、部分曝射</translation>
    </message>
</context>
<context>
    <name>ImageStrip</name>
    <message>
        <source>Images of this exam</source>
        <translation>この検査の画像</translation>
    </message>
    <message>
        <source>to review</source>
        <translation>未確認</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>承認済み</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>リジェクト</translation>
    </message>
    <message>
        <source>{series}.{instance} {protocol} {side}
{state}</source>
        <translation>{series}.{instance} {protocol} {side}
{state}</translation>
    </message>
    <message>
        <source>PARTIAL EXPOSURE</source>
        <translation>部分曝射</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>user name</source>
        <translation>ユーザー名</translation>
    </message>
    <message>
        <source>password or PIN</source>
        <translation>パスワードまたは PIN</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>ログイン</translation>
    </message>
    <message>
        <source>Emergency exam without login</source>
        <translation>ログインなしで緊急検査</translation>
    </message>
    <message>
        <source>Break glass: start a trauma exam at once; it is recorded as such, under the name typed above or as EMERGENCY^BREAK GLASS, and a login is asked for afterwards</source>
        <translation>緊急アクセス: すぐに外傷検査を開始します。上に入力した名前または EMERGENCY^BREAK GLASS として記録され、後でログインを求めます</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Password or PIN</source>
        <translation>パスワードまたは PIN</translation>
    </message>
    <message>
        <source>VXacq: who is working?</source>
        <translation>VXacq: 作業者は?</translation>
    </message>
    <message>
        <source>Login not possible: {reason}</source>
        <translation>ログインできません: {reason}</translation>
    </message>
</context>
<context>
    <name>LogsTab</name>
    <message>
        <source>Application log</source>
        <translation>アプリケーションログ</translation>
    </message>
    <message>
        <source>DICOM associations</source>
        <translation>DICOMアソシエーション</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>(no log yet: {reason})</source>
        <translation>（ログはまだありません: {reason}）</translation>
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
        <translation>ワークリスト</translation>
    </message>
    <message>
        <source>Exam</source>
        <translation>検査</translation>
    </message>
    <message>
        <source>History</source>
        <translation>履歴</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>サービス</translation>
    </message>
    <message>
        <source>Family^Given</source>
        <translation>姓^名</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>ロック</translation>
    </message>
    <message>
        <source>Hide the screen until a login; exams and sending go on</source>
        <translation>ログインまで画面を隠します。検査と送信は続行します</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>ログアウト</translation>
    </message>
    <message>
        <source>Radiographer:</source>
        <translation>撮影技師：</translation>
    </message>
    <message>
        <source>Radiographer &apos;{name}&apos; cannot be written as a DICOM name in {charset} (Family^Given, at most 64 characters): not used</source>
        <translation>撮影技師「{name}」は {charset} のDICOM名として書けません（姓^名、64文字以内）。使用しません</translation>
    </message>
    <message>
        <source>Exams started from now on record {name} as the operator</source>
        <translation>これから開始する検査では {name} を操作者として記録します</translation>
    </message>
    <message>
        <source>no one</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>Locked: {name} or another user logs in to go on.</source>
        <translation>ロック中: 続けるには {name} または別のユーザーがログインしてください。</translation>
    </message>
    <message>
        <source>Logged out.</source>
        <translation>ログアウトしました。</translation>
    </message>
    <message>
        <source>The emergency exam is closed: log in to go on.</source>
        <translation>緊急検査を終了しました: 続けるにはログインしてください。</translation>
    </message>
    <message>
        <source>Accounts are set up: log in.</source>
        <translation>アカウントが設定されました: ログインしてください。</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>ユーザー:</translation>
    </message>
    <message>
        <source>(no accounts configured)</source>
        <translation>(アカウント未設定)</translation>
    </message>
    <message>
        <source>EMERGENCY (no login): {name}</source>
        <translation>緊急 (ログインなし): {name}</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>ログイン</translation>
    </message>
    <message>
        <source>Opening an exam</source>
        <translation>検査を開く</translation>
    </message>
    <message>
        <source>An exposure or an exam step is still running: wait for it to end before opening another exam.</source>
        <translation>曝射または検査の処理が実行中です。終了してから別の検査を開いてください。</translation>
    </message>
    <message>
        <source>Opening the exam…</source>
        <translation>検査を開いています…</translation>
    </message>
    <message>
        <source>Cannot open: {exc}</source>
        <translation>開けません: {exc}</translation>
    </message>
    <message>
        <source>Leave this exam?</source>
        <translation>この検査を離れますか？</translation>
    </message>
    <message>
        <source>{question}
Suspend it and open the other exam, or stay?</source>
        <translation>{question}
中断して別の検査を開きますか、それともとどまりますか？</translation>
    </message>
    <message>
        <source>Suspend and open</source>
        <translation>中断して開く</translation>
    </message>
    <message>
        <source>Stay</source>
        <translation>とどまる</translation>
    </message>
    <message>
        <source>Break glass not recorded: {exc}</source>
        <translation>緊急アクセスを記録できませんでした: {exc}</translation>
    </message>
    <message>
        <source>Room ready</source>
        <translation>撮影室 準備完了</translation>
    </message>
    <message>
        <source>Room: {problem}</source>
        <translation>撮影室: {problem}</translation>
    </message>
    <message>
        <source>Listener: {status}</source>
        <translation>リスナー: {status}</translation>
    </message>
    <message>
        <source>Queue: {waiting} to send, {failed} failed (Service → Queue)</source>
        <translation>キュー: 送信待ち {waiting} 件、失敗 {failed} 件（サービス → キュー）</translation>
    </message>
    <message>
        <source>Queue: {waiting} to send</source>
        <translation>キュー: 送信待ち {waiting} 件</translation>
    </message>
</context>
<context>
    <name>MediaImportDialog</name>
    <message>
        <source>Import from media</source>
        <translation>メディアから取り込み</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>取り込み</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Patient ID</source>
        <translation>患者 ID</translation>
    </message>
    <message>
        <source>Modalities</source>
        <translation>モダリティ</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>説明</translation>
    </message>
    <message>
        <source>Keep as priors (shown beside new images)</source>
        <translation>過去画像として保持 (新しい画像の横に表示)</translation>
    </message>
    <message>
        <source>Send to {node}</source>
        <translation>{node} へ送信</translation>
    </message>
    <message>
        <source>Studies on {folder}</source>
        <translation>{folder} の検査</translation>
    </message>
    <message>
        <source>Reading the media…</source>
        <translation>メディアを読み込み中…</translation>
    </message>
    <message>
        <source>Not taken ({n}):</source>
        <translation>取り込まなかったもの ({n}):</translation>
    </message>
    <message>
        <source>Tick the studies to import.</source>
        <translation>取り込む検査にチェックを付けてください。</translation>
    </message>
    <message>
        <source>No study on this media can be imported.</source>
        <translation>このメディアには取り込める検査がありません。</translation>
    </message>
    <message>
        <source>The media cannot be read: {reason}</source>
        <translation>メディアを読み込めません: {reason}</translation>
    </message>
    <message>
        <source>No study is ticked.</source>
        <translation>検査が選ばれていません。</translation>
    </message>
    <message>
        <source>{n} image(s) of {studies} study(ies) kept as priors.</source>
        <translation>{studies} 件の検査の画像 {n} 枚を過去画像として保持しました。</translation>
    </message>
    <message>
        <source>{studies} study(ies) queued to {node}.</source>
        <translation>{studies} 件の検査を {node} への送信待ちにしました。</translation>
    </message>
    <message>
        <source>{n} file(s) not taken.</source>
        <translation>{n} 個のファイルは取り込みませんでした。</translation>
    </message>
    <message>
        <source>Not imported: {reason}</source>
        <translation>取り込めませんでした: {reason}</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>取り込み中…</translation>
    </message>
</context>
<context>
    <name>NodeDialog</name>
    <message>
        <source>Edit node</source>
        <translation>ノードを編集</translation>
    </message>
    <message>
        <source>Add node</source>
        <translation>ノードを追加</translation>
    </message>
    <message>
        <source>empty for a DICOM node; https://host/dicom-web for a DICOMweb node</source>
        <translation>DICOM ノードは空欄、DICOMweb ノードは https://host/dicom-web</translation>
    </message>
    <message>
        <source>a file holding the password or token (chmod 600)</source>
        <translation>パスワードまたはトークンを収めたファイル (chmod 600)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>AE title</source>
        <translation>AEタイトル</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>ホスト</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>ポート</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>サービス</translation>
    </message>
    <message>
        <source>Transfer syntax</source>
        <translation>転送構文</translation>
    </message>
    <message>
        <source>Character set when it declares none</source>
        <translation>文字セットの指定がない場合の文字セット</translation>
    </message>
    <message>
        <source>DICOMweb URL</source>
        <translation>DICOMweb URL</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>認証</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>ユーザー名</translation>
    </message>
    <message>
        <source>Secret file</source>
        <translation>秘密情報ファイル</translation>
    </message>
    <message>
        <source>port &apos;{text}&apos; is not a whole number</source>
        <translation>ポート「{text}」は整数ではありません</translation>
    </message>
    <message>
        <source>Not saved:</source>
        <translation>保存されていません:</translation>
    </message>
</context>
<context>
    <name>NodesTab</name>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>AE title</source>
        <translation>AEタイトル</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>ホスト</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>ポート</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>サービス</translation>
    </message>
    <message>
        <source>C-ECHO</source>
        <translation>C-ECHO</translation>
    </message>
    <message>
        <source>C-ECHO all</source>
        <translation>すべてにC-ECHO</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>追加…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>編集…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>asking…</source>
        <translation>問い合わせ中…</translation>
    </message>
    <message>
        <source>OK in {ms} ms</source>
        <translation>OK（{ms} ms）</translation>
    </message>
    <message>
        <source>failed after {s} s: {why}</source>
        <translation>{s} 秒後に失敗: {why}</translation>
    </message>
    <message>
        <source>failed: {why}</source>
        <translation>失敗: {why}</translation>
    </message>
    <message>
        <source>Node {name} saved and in effect.</source>
        <translation>ノード {name} を保存し、反映しました。</translation>
    </message>
    <message>
        <source>Node {name} removed. Its unsent jobs failed with that reason (Queue); add the node back and retry them, or cancel them.</source>
        <translation>ノード {name} を削除しました。未送信のジョブはこの理由で失敗になりました（キュー）。ノードを追加し直して再試行するか、取り消してください。</translation>
    </message>
</context>
<context>
    <name>PlanPanel</name>
    <message>
        <source>Protocols</source>
        <translation>プロトコル</translation>
    </message>
    <message>
        <source>{name} ({id})</source>
        <translation>{name}（{id}）</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>追加</translation>
    </message>
    <message>
        <source>Body part…</source>
        <translation>部位から…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <source> — field {next} of {planned} next</source>
        <translation> — 次はフィールド {next}/{planned}</translation>
    </message>
</context>
<context>
    <name>PriorPanel</name>
    <message>
        <source>Earlier images of this patient (same body part and view first)</source>
        <translation>この患者の過去画像 (同じ部位と方向を優先)</translation>
    </message>
    <message>
        <source>no prior of this patient in the cache</source>
        <translation>この患者の過去画像はキャッシュにありません</translation>
    </message>
    <message>
        <source>Retrieve priors from the archive (History → Priors from PACS, or `vxacq retrieve`).</source>
        <translation>アーカイブから過去画像を取得してください (履歴 → PACS の過去画像、または `vxacq retrieve`)。</translation>
    </message>
    <message>
        <source>PRIOR {date} {part} {view} {side}</source>
        <translation>過去 {date} {part} {view} {side}</translation>
    </message>
</context>
<context>
    <name>QualityTab</name>
    <message>
        <source>YYYY-MM-DD (first exam)</source>
        <translation>YYYY-MM-DD (最初の検査)</translation>
    </message>
    <message>
        <source>YYYY-MM-DD (last exam)</source>
        <translation>YYYY-MM-DD (最後の検査)</translation>
    </message>
    <message>
        <source>All protocols</source>
        <translation>全プロトコル</translation>
    </message>
    <message>
        <source>All radiographers</source>
        <translation>全技師</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>週</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Save printable report…</source>
        <translation>印刷用レポートを保存…</translation>
    </message>
    <message>
        <source>From</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>to</source>
        <translation>〜</translation>
    </message>
    <message>
        <source>Rates by</source>
        <translation>集計単位</translation>
    </message>
    <message>
        <source>Reject rate by reason (%)</source>
        <translation>理由別の却下率 (%)</translation>
    </message>
    <message>
        <source>Deviation index (% of images)</source>
        <translation>偏差指数 (画像の %)</translation>
    </message>
    <message>
        <source>DAP per exposure (Gy·cm²)</source>
        <translation>撮影あたりの DAP (Gy·cm²)</translation>
    </message>
    <message>
        <source>Bar: median. &lt;span style=&apos;color:{tick}&apos;&gt;|&lt;/span&gt; 75th percentile. &lt;span style=&apos;color:{level}&apos;&gt;|&lt;/span&gt; reference level (per exposure); ▲ 75th percentile above it.</source>
        <translation>棒: 中央値。&lt;span style=&apos;color:{tick}&apos;&gt;|&lt;/span&gt; 75 パーセンタイル。&lt;span style=&apos;color:{level}&apos;&gt;|&lt;/span&gt; 参考レベル (撮影あたり)。▲ 75 パーセンタイルが上回る。</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>区分</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>却下</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>率</translation>
    </message>
    <message>
        <source>Reject and repeat rates with the counts behind them:</source>
        <translation>却下率と再撮影率 (元の件数付き):</translation>
    </message>
    <message>
        <source>Not updated: {error}</source>
        <translation>更新できません: {error}</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <source>The figures could not be read: {error}</source>
        <translation>集計を読み込めません: {error}</translation>
    </message>
    <message>
        <source>{images} images, {rejected} rejected ({reject_rate}), {repeated} repeated ({repeat_rate}); {confirmed} dose notifications confirmed.</source>
        <translation>画像 {images} 枚、却下 {rejected} ({reject_rate})、再撮影 {repeated} ({repeat_rate})、線量通知の確認 {confirmed} 件。</translation>
    </message>
    <message>
        <source>Save printable report</source>
        <translation>印刷用レポートを保存</translation>
    </message>
    <message>
        <source>Web page (*.html)</source>
        <translation>Web ページ (*.html)</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>保存中…</translation>
    </message>
    <message>
        <source>Saved to {path}; open it in a browser to print it.</source>
        <translation>{path} に保存しました。ブラウザで開いて印刷してください。</translation>
    </message>
    <message>
        <source>Not saved: {error}</source>
        <translation>保存できません: {error}</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>プロトコル</translation>
    </message>
    <message>
        <source>Body part</source>
        <translation>部位</translation>
    </message>
    <message>
        <source>Radiographer</source>
        <translation>技師</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>撮影室</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期間</translation>
    </message>
    <message>
        <source>Repeats</source>
        <translation>再撮影</translation>
    </message>
</context>
<context>
    <name>QueueTab</name>
    <message>
        <source>Failed and waiting (failed first)</source>
        <translation>失敗と待機中（失敗を先に）</translation>
    </message>
    <message>
        <source>Failed only</source>
        <translation>失敗のみ</translation>
    </message>
    <message>
        <source>All, including finished</source>
        <translation>完了を含むすべて</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>今すぐ再試行</translation>
    </message>
    <message>
        <source>Cancel job</source>
        <translation>ジョブを取り消す</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>種類</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>ノード</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>試行回数</translation>
    </message>
    <message>
        <source>Study</source>
        <translation>スタディ</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>進捗</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>最後のエラー</translation>
    </message>
    <message>
        <source>Only the first {n} jobs are listed; older finished jobs are left out (`vxacq queue --limit` lists more).</source>
        <translation>最初の {n} 件のジョブのみ表示しています。古い完了済みジョブは省略されます (`vxacq queue --limit` でさらに表示)。</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>待機中</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>送信中</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>表示</translation>
    </message>
    <message>
        <source>{node} (removed)</source>
        <translation>{node}（削除済み）</translation>
    </message>
</context>
<context>
    <name>ReconcileDialog</name>
    <message>
        <source>Reconcile an emergency exam with its order</source>
        <translation>救急検査をオーダと照合</translation>
    </message>
    <message>
        <source>Order {accession} for {name} ({patient_id}): choose the exam that was made for this patient without an order.</source>
        <translation>{name}（{patient_id}）のオーダ {accession}: この患者にオーダなしで行った検査を選んでください。</translation>
    </message>
    <message>
        <source>Study</source>
        <translation>スタディ</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Temporary ID</source>
        <translation>仮ID</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Reconcile</source>
        <translation>照合</translation>
    </message>
    <message>
        <source>No exam chosen.</source>
        <translation>検査が選ばれていません。</translation>
    </message>
    <message>
        <source>This exam is still open: close or discontinue it on the Exam page first.</source>
        <translation>この検査はまだ実施中です。先に検査画面で終了または中止してください。</translation>
    </message>
    <message>
        <source>The {images} image(s) and the dose report of {temporary} ({temporary_id}) will be filed under {name} ({patient_id}), accession {accession}, corrected and sent again to the archive; the RIS is told the order was performed.</source>
        <translation>{temporary}（{temporary_id}）の画像 {images} 枚と線量レポートを {name}（{patient_id}）、受付番号 {accession} に登録し直し、修正してアーカイブへ再送信します。RISにはオーダ実施済みと通知します。</translation>
    </message>
</context>
<context>
    <name>ReferenceLevelsTab</name>
    <message>
        <source>Protocol</source>
        <translation>プロトコル</translation>
    </message>
    <message>
        <source>Exposure level (Gy·cm²)</source>
        <translation>照射あたり (Gy·cm²)</translation>
    </message>
    <message>
        <source>Exam level (Gy·cm²)</source>
        <translation>検査あたり (Gy·cm²)</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>出典</translation>
    </message>
    <message>
        <source>[[level]]
protocol = &quot;KNEE_AP&quot;
exposure_dap_Gy_cm2 = 0.05
source = &quot;local DRL 2026&quot;</source>
        <translation>[[level]]
protocol = &quot;KNEE_AP&quot;
exposure_dap_Gy_cm2 = 0.05
source = &quot;施設DRL 2026&quot;</translation>
    </message>
    <message>
        <source>Check and save</source>
        <translation>確認して保存</translation>
    </message>
    <message>
        <source>Levels in force (shipped national DRLs and this station&apos;s override):</source>
        <translation>適用中のレベル (同梱の国の DRL とこのステーションの上書き):</translation>
    </message>
    <message>
        <source>Override for this station (same form as the shipped reference_levels.toml):</source>
        <translation>このステーションの上書き (同梱の reference_levels.toml と同じ形式):</translation>
    </message>
    <message>
        <source>The saved override is not used: {error}</source>
        <translation>保存された上書きは使われていません: {error}</translation>
    </message>
    <message>
        <source>Not saved: {error}</source>
        <translation>保存されませんでした: {error}</translation>
    </message>
    <message>
        <source>Saved; the next exposure uses these levels.</source>
        <translation>保存しました。次の照射からこのレベルを使います。</translation>
    </message>
    <message>
        <source>Every other protocol: exam level {exam:g} Gy·cm² (site choice). EI on target: DI {low:g} to {high:g}; flagged when {outside} of a protocol&apos;s last {window} exposures are off target.</source>
        <translation>その他のプロトコル: 検査あたり {exam:g} Gy·cm² (施設の選択)。EI 目標内: DI {low:g} ～ {high:g}。プロトコルの直近 {window} 回のうち {outside} 回が外れると警告します。</translation>
    </message>
</context>
<context>
    <name>RegistrationDialog</name>
    <message>
        <source>Register an unscheduled patient</source>
        <translation>予約外の患者を登録</translation>
    </message>
    <message>
        <source>Family name</source>
        <translation>姓</translation>
    </message>
    <message>
        <source>e.g. Müller</source>
        <translation>例: 山田</translation>
    </message>
    <message>
        <source>Given name</source>
        <translation>名</translation>
    </message>
    <message>
        <source>e.g. Anna</source>
        <translation>例: 花子</translation>
    </message>
    <message>
        <source>Patient ID</source>
        <translation>患者ID</translation>
    </message>
    <message>
        <source>the hospital number, or Emergency ID</source>
        <translation>病院の患者番号、または救急ID</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>生年月日</translation>
    </message>
    <message>
        <source>YYYYMMDD, empty when unknown</source>
        <translation>YYYYMMDD、不明なら空欄</translation>
    </message>
    <message>
        <source>Accession</source>
        <translation>受付番号</translation>
    </message>
    <message>
        <source>optional, up to 16 characters</source>
        <translation>任意、16文字以内</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>検査内容</translation>
    </message>
    <message>
        <source>e.g. Chest PA</source>
        <translation>例: 胸部PA</translation>
    </message>
    <message>
        <source>Referring physician</source>
        <translation>依頼医</translation>
    </message>
    <message>
        <source>Family^Given, optional</source>
        <translation>姓^名、任意</translation>
    </message>
    <message>
        <source>Emergency ID</source>
        <translation>救急ID</translation>
    </message>
    <message>
        <source>For an unidentified patient: the station&apos;s next temporary ID</source>
        <translation>身元不明の患者用: このステーションの次の仮ID</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <source>female</source>
        <translation>女性</translation>
    </message>
    <message>
        <source>male</source>
        <translation>男性</translation>
    </message>
    <message>
        <source>other</source>
        <translation>その他</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性別</translation>
    </message>
    <message>
        <source>Register and start</source>
        <translation>登録して開始</translation>
    </message>
    <message>
        <source>No Emergency ID: {error}</source>
        <translation>救急IDがありません: {error}</translation>
    </message>
    <message>
        <source>Not registered: {error}. Nothing was saved; press Register and start again.</source>
        <translation>登録されていません: {error}。何も保存されていません。もう一度「登録して開始」を押してください。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Correct the marked fields; nothing was registered.</source>
        <translation>印の付いた項目を修正してください。何も登録されていません。</translation>
    </message>
</context>
<context>
    <name>Reprocessing</name>
    <message>
        <source>{name} is a {chosen} protocol; this image is {own}: choose a {own} protocol</source>
        <translation>{name} は {chosen} のプロトコルですが、この画像は {own} です。{own} のプロトコルを選んでください</translation>
    </message>
    <message>
        <source>Draw a crop rectangle of at least 16 × 16 pixels first (Crop)</source>
        <translation>まず16 × 16画素以上のトリミング枠を描いてください（トリミング）</translation>
    </message>
    <message>
        <source>Re-processing…</source>
        <translation>再処理中…</translation>
    </message>
    <message>
        <source>Moving seam {n} by {mm:+.1f} mm…</source>
        <translation>つなぎ目 {n} を {mm:+.1f} mm 移動中…</translation>
    </message>
    <message>
        <source>Marker {marker} on a {side} image: choose Marker {right} (or check the side)</source>
        <translation>{side}の画像にマーカー{marker}：マーカー{right}を選択（または左右を確認）</translation>
    </message>
    <message>
        <source>LEFT</source>
        <translation>左</translation>
    </message>
    <message>
        <source>RIGHT</source>
        <translation>右</translation>
    </message>
    <message>
        <source>No marker on this image to move</source>
        <translation>この画像には移動できるマーカーがありません</translation>
    </message>
</context>
<context>
    <name>ReviewDecisions</name>
    <message>
        <source>Partial exposure</source>
        <translation>部分曝射</translation>
    </message>
    <message>
        <source>{what}

Accept this image anyway?</source>
        <translation>{what}

この画像をそれでも承認しますか？</translation>
    </message>
    <message>
        <source>Accept partial image</source>
        <translation>部分曝射の画像を承認</translation>
    </message>
    <message>
        <source>Do not accept</source>
        <translation>承認しない</translation>
    </message>
    <message>
        <source>Choose why the image is rejected first.</source>
        <translation>先に画像を却下する理由を選択してください。</translation>
    </message>
    <message>
        <source>Retake {protocol_id}: position the patient and use the hand switch</source>
        <translation>再撮影 {protocol_id}: 患者をポジショニングしてハンドスイッチを使用してください</translation>
    </message>
</context>
<context>
    <name>ReviewToolbar</name>
    <message>
        <source>L/R marker</source>
        <translation>左右マーカー</translation>
    </message>
    <message>
        <source>{what} ({key})</source>
        <translation>{what}（{key}）</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>More contrast</source>
        <translation>コントラスト強</translation>
    </message>
    <message>
        <source>Less contrast</source>
        <translation>コントラスト弱</translation>
    </message>
    <message>
        <source>Brighter</source>
        <translation>明るく</translation>
    </message>
    <message>
        <source>Darker</source>
        <translation>暗く</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>全体</translation>
    </message>
    <message>
        <source>Fit the image to the view</source>
        <translation>画像を表示領域に合わせる</translation>
    </message>
    <message>
        <source>+</source>
        <translation>+</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>拡大</translation>
    </message>
    <message>
        <source>−</source>
        <translation>−</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>縮小</translation>
    </message>
    <message>
        <source>W/L</source>
        <translation>W/L</translation>
    </message>
    <message>
        <source>Drag to set window (left/right) and level (up/down)</source>
        <translation>ドラッグでウィンドウ幅 (左右) とレベル (上下) を設定</translation>
    </message>
    <message>
        <source>⟲</source>
        <translation>⟲</translation>
    </message>
    <message>
        <source>Turn 90° anticlockwise</source>
        <translation>反時計回りに 90° 回転</translation>
    </message>
    <message>
        <source>⟳</source>
        <translation>⟳</translation>
    </message>
    <message>
        <source>Turn 90° clockwise</source>
        <translation>時計回りに 90° 回転</translation>
    </message>
    <message>
        <source>⇆</source>
        <translation>⇆</translation>
    </message>
    <message>
        <source>Mirror left-right</source>
        <translation>左右反転</translation>
    </message>
    <message>
        <source>⇅</source>
        <translation>⇅</translation>
    </message>
    <message>
        <source>Mirror top-bottom</source>
        <translation>上下反転</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>移動</translation>
    </message>
    <message>
        <source>Drag the L/R marker to its place</source>
        <translation>L/R マーカーを位置までドラッグ</translation>
    </message>
    <message>
        <source>Crop</source>
        <translation>トリミング</translation>
    </message>
    <message>
        <source>Draw the crop rectangle, then Apply</source>
        <translation>トリミング枠を描いてから適用</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>適用</translation>
    </message>
    <message>
        <source>Crop the image to the rectangle</source>
        <translation>画像を枠でトリミング</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <source>Undo the last crop</source>
        <translation>最後のトリミングを取り消す</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <source>Write a text on the image</source>
        <translation>画像にテキストを書く</translation>
    </message>
    <message>
        <source>Ruler</source>
        <translation>計測</translation>
    </message>
    <message>
        <source>Measure a distance (drag its ends)</source>
        <translation>距離を計測 (端点をドラッグ)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>消去</translation>
    </message>
    <message>
        <source>Remove the texts and distances</source>
        <translation>テキストと距離を消去</translation>
    </message>
    <message>
        <source>Prior</source>
        <translation>過去</translation>
    </message>
    <message>
        <source>Show an earlier image of the patient beside this one</source>
        <translation>この患者の過去画像を横に表示</translation>
    </message>
    <message>
        <source>▲</source>
        <translation>▲</translation>
    </message>
    <message>
        <source>Long-length: move the fields below the seam up</source>
        <translation>長尺: つなぎ目より下のフィールドを上へ移動</translation>
    </message>
    <message>
        <source>▼</source>
        <translation>▼</translation>
    </message>
    <message>
        <source>Long-length: move the fields below the seam down</source>
        <translation>長尺: つなぎ目より下のフィールドを下へ移動</translation>
    </message>
    <message>
        <source>Zoom: screen pixels per image pixel</source>
        <translation>ズーム：画像1画素あたりの画面画素数</translation>
    </message>
    <message>
        <source>Window presets (keys 1–5)</source>
        <translation>ウィンドウプリセット（キー1–5）</translation>
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
        <translation>ウィンドウレベル</translation>
    </message>
    <message>
        <source>W </source>
        <translation>W </translation>
    </message>
    <message>
        <source>Window width</source>
        <translation>ウィンドウ幅</translation>
    </message>
    <message>
        <source>Marker L</source>
        <translation>マーカー L</translation>
    </message>
    <message>
        <source>L/R: side</source>
        <translation>L/R：左右</translation>
    </message>
    <message>
        <source>Marker R</source>
        <translation>マーカー R</translation>
    </message>
    <message>
        <source>No marker</source>
        <translation>マーカーなし</translation>
    </message>
    <message>
        <source>The seam of a long-length image to move</source>
        <translation>移動する長尺画像のつなぎ目</translation>
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
        <translation>つなぎ目 {n}</translation>
    </message>
    <message>
        <source>No seam (one exposure)</source>
        <translation>つなぎ目なし (1回照射)</translation>
    </message>
</context>
<context>
    <name>RoomPanel</name>
    <message>
        <source>READY</source>
        <translation>準備完了</translation>
    </message>
    <message>
        <source>STANDBY</source>
        <translation>待機</translation>
    </message>
    <message>
        <source>IDLE</source>
        <translation>アイドル</translation>
    </message>
    <message>
        <source>PREP</source>
        <translation>準備中</translation>
    </message>
    <message>
        <source>ARMING</source>
        <translation>起動中</translation>
    </message>
    <message>
        <source>EXPOSING</source>
        <translation>曝射中</translation>
    </message>
    <message>
        <source>INTEGRATING</source>
        <translation>積算中</translation>
    </message>
    <message>
        <source>READOUT</source>
        <translation>読み出し中</translation>
    </message>
    <message>
        <source>TRIGGERED</source>
        <translation>トリガ済み</translation>
    </message>
    <message>
        <source>AED</source>
        <translation>AED</translation>
    </message>
    <message>
        <source>FAULT</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>ERROR</source>
        <translation>エラー</translation>
    </message>
    <message>
        <source>DISCONNECTED</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>OFF</source>
        <translation>オフ</translation>
    </message>
    <message>
        <source>X-ray room</source>
        <translation>X線撮影室</translation>
    </message>
    <message>
        <source>Generator</source>
        <translation>X線発生装置</translation>
    </message>
    <message>
        <source>Detector</source>
        <translation>検出器</translation>
    </message>
    <message>
        <source>Panel</source>
        <translation>パネル</translation>
    </message>
    <message>
        <source>Prep (stage 1)</source>
        <translation>準備（第1段）</translation>
    </message>
    <message>
        <source>Hold the exposure ready: rotor and filament up, panel armed</source>
        <translation>曝射準備を保持: 陽極回転・フィラメント加熱、パネル待機</translation>
    </message>
    <message>
        <source>Expose (stage 2)</source>
        <translation>曝射（第2段）</translation>
    </message>
    <message>
        <source>Reset generator</source>
        <translation>発生装置をリセット</translation>
    </message>
    <message>
        <source>Recover the frame from the panel</source>
        <translation>パネルから画像を回収</translation>
    </message>
    <message>
        <source>Discard the lost frame…</source>
        <translation>失われた画像を破棄…</translation>
    </message>
    <message>
        <source>{temperature_C:.1f} °C</source>
        <translation>{temperature_C:.1f} °C</translation>
    </message>
    <message>
        <source>battery {battery_percent:.0f} %</source>
        <translation>電池 {battery_percent:.0f} %</translation>
    </message>
    <message>
        <source>link {link_quality_percent:.0f} %</source>
        <translation>通信 {link_quality_percent:.0f} %</translation>
    </message>
    <message>
        <source>simulated</source>
        <translation>シミュレーション</translation>
    </message>
    <message>
        <source>Prep is not possible until this is resolved.</source>
        <translation>これが解決するまで準備はできません。</translation>
    </message>
    <message>
        <source>Prep is not possible: {why}</source>
        <translation>準備できません: {why}</translation>
    </message>
</context>
<context>
    <name>ServicePage</name>
    <message>
        <source>Queue</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>ステーション</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>ノード</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>ログ</translation>
    </message>
    <message>
        <source>Detector and simulator</source>
        <translation>検出器とシミュレータ</translation>
    </message>
    <message>
        <source>Reference levels</source>
        <translation>参考レベル</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>品質</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>アカウント</translation>
    </message>
    <message>
        <source>The {tab} tab</source>
        <translation>{tab} タブ</translation>
    </message>
    <message>
        <source>Service pages</source>
        <translation>サービス画面</translation>
    </message>
    <message>
        <source>The service pages change how this station works: its settings, the DICOM nodes, the detector calibration and the simulator&apos;s faults. Continue only if you are service staff or were asked to by them.</source>
        <translation>サービス画面では、このステーションの設定、DICOMノード、検出器キャリブレーション、シミュレータの故障を変更します。サービス担当者、または担当者に依頼された場合のみ続行してください。</translation>
    </message>
    <message>
        <source>Open the service pages</source>
        <translation>サービス画面を開く</translation>
    </message>
</context>
<context>
    <name>StationTab</name>
    <message>
        <source>Accept associations from any calling AE title</source>
        <translation>すべての呼び出し元AEタイトルからのアソシエーションを受け付ける</translation>
    </message>
    <message>
        <source>Write patient names and IDs into the logs</source>
        <translation>患者氏名とIDをログに記録</translation>
    </message>
    <message>
        <source>Send accepted images to the store nodes when the exam closes</source>
        <translation>検査終了時に承認画像を保存先ノードへ送信</translation>
    </message>
    <message>
        <source>The station&apos;s locale</source>
        <translation>ステーションのロケール</translation>
    </message>
    <message>
        <source>AE title</source>
        <translation>AEタイトル</translation>
    </message>
    <message>
        <source>Listen port</source>
        <translation>待ち受けポート</translation>
    </message>
    <message>
        <source>Station name</source>
        <translation>ステーション名</translation>
    </message>
    <message>
        <source>Institution</source>
        <translation>施設</translation>
    </message>
    <message>
        <source>Institution address</source>
        <translation>施設の住所</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部門</translation>
    </message>
    <message>
        <source>Character set</source>
        <translation>文字セット</translation>
    </message>
    <message>
        <source>Language (at the next start)</source>
        <translation>言語（次回起動から）</translation>
    </message>
    <message>
        <source>DI warning beyond ±</source>
        <translation>DI警告 ±</translation>
    </message>
    <message>
        <source>DI alarm beyond ±</source>
        <translation>DIアラーム ±</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>設定を保存</translation>
    </message>
    <message>
        <source>Configuration: {path}
Data: {data}</source>
        <translation>設定: {path}
データ: {data}</translation>
    </message>
    <message>
        <source>Listener: {state}</source>
        <translation>リスナー: {state}</translation>
    </message>
    <message>
        <source> — {n} C-ECHO answered</source>
        <translation> — C-ECHO応答 {n} 件</translation>
    </message>
    <message>
        <source>Not saved: listen port &apos;{text}&apos; is not a whole number</source>
        <translation>保存されていません: 待ち受けポート「{text}」は整数ではありません</translation>
    </message>
    <message>
        <source>Saved and in effect.</source>
        <translation>保存し、反映しました。</translation>
    </message>
    <message>
        <source> The window&apos;s language changes when the console starts again.</source>
        <translation> 画面の言語はコンソールの次回起動時に切り替わります。</translation>
    </message>
</context>
<context>
    <name>TechniquePanel</name>
    <message>
        <source>Technique</source>
        <translation>撮影条件</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>左</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>右</translation>
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
        <translation>左右、SID</translation>
    </message>
    <message>
        <source>kV, mAs</source>
        <translation>kV、mAs</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>グリッド</translation>
    </message>
    <message>
        <source>grid</source>
        <translation>グリッドあり</translation>
    </message>
    <message>
        <source>no grid</source>
        <translation>グリッドなし</translation>
    </message>
    <message>
        <source>AEC {chambers}</source>
        <translation>AEC {chambers}</translation>
    </message>
    <message>
        <source>no AEC</source>
        <translation>AECなし</translation>
    </message>
    <message>
        <source>{grid}, {aec}</source>
        <translation>{grid}、{aec}</translation>
    </message>
</context>
<context>
    <name>Words</name>
    <message>
        <source>scheduled</source>
        <translation>予定</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>実施中</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>discontinued</source>
        <translation>中止</translation>
    </message>
    <message>
        <source>gone</source>
        <translation>取消済み</translation>
    </message>
    <message>
        <source>open</source>
        <translation>実施中</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>acquired</source>
        <translation>撮影済み</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>承認済み</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>リジェクト</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>待機中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>送信中</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>送信済み</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>確認待ち</translation>
    </message>
    <message>
        <source>committed</source>
        <translation>保管確認済み</translation>
    </message>
    <message>
        <source>partial</source>
        <translation>一部</translation>
    </message>
    <message>
        <source>timed out</source>
        <translation>タイムアウト</translation>
    </message>
    <message>
        <source>STAT</source>
        <translation>緊急</translation>
    </message>
    <message>
        <source>HIGH</source>
        <translation>高</translation>
    </message>
    <message>
        <source>ROUTINE</source>
        <translation>通常</translation>
    </message>
    <message>
        <source>MEDIUM</source>
        <translation>中</translation>
    </message>
    <message>
        <source>LOW</source>
        <translation>低</translation>
    </message>
    <message>
        <source>M</source>
        <translation>男</translation>
    </message>
    <message>
        <source>F</source>
        <translation>女</translation>
    </message>
    <message>
        <source>O</source>
        <translation>他</translation>
    </message>
</context>
<context>
    <name>WorklistPage</name>
    <message>
        <source>Worklist not asked yet</source>
        <translation>ワークリスト未取得</translation>
    </message>
    <message>
        <source>Emergency</source>
        <translation>救急</translation>
    </message>
    <message>
        <source>Start a trauma exam now under a temporary ID and name ({shortcut}); reconcile it with the order when the order arrives</source>
        <translation>仮IDと仮氏名で外傷検査をすぐに開始（{shortcut}）。オーダが届いたら照合してください</translation>
    </message>
    <message>
        <source>Scan or type accession / patient ID, Enter</source>
        <translation>受付番号 / 患者IDをスキャンまたは入力して Enter</translation>
    </message>
    <message>
        <source>A barcode scanner types here: the order with that Accession Number (else Patient ID, else Requested Procedure ID) is started</source>
        <translation>バーコードスキャナの入力欄: その受付番号（なければ患者ID、次に依頼手技ID）のオーダを開始します</translation>
    </message>
    <message>
        <source>Filter: name, patient ID or accession</source>
        <translation>絞り込み: 氏名、患者IDまたは受付番号</translation>
    </message>
    <message>
        <source>Scheduled on</source>
        <translation>予定日</translation>
    </message>
    <message>
        <source>Refresh worklist</source>
        <translation>ワークリストを更新</translation>
    </message>
    <message>
        <source>Register patient…</source>
        <translation>患者登録…</translation>
    </message>
    <message>
        <source>An unscheduled patient, typed in</source>
        <translation>予約外の患者を手入力</translation>
    </message>
    <message>
        <source>Reconcile…</source>
        <translation>照合…</translation>
    </message>
    <message>
        <source>File an emergency (unscheduled) exam under the selected order</source>
        <translation>救急（予約外）検査を選択したオーダに登録</translation>
    </message>
    <message>
        <source>Start exam</source>
        <translation>検査開始</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>優先度</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>予定日時</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Patient ID</source>
        <translation>患者ID</translation>
    </message>
    <message>
        <source>Born</source>
        <translation>生年月日</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性別</translation>
    </message>
    <message>
        <source>Accession</source>
        <translation>受付番号</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>検査内容</translation>
    </message>
    <message>
        <source>Modality</source>
        <translation>モダリティ</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>From</source>
        <translation>取得元</translation>
    </message>
    <message>
        <source>No worklist node is configured (Service → Nodes); register patients by hand.</source>
        <translation>ワークリストノードが設定されていません（サービス → ノード）。患者を手動で登録してください。</translation>
    </message>
    <message>
        <source>Asking the worklist…</source>
        <translation>ワークリストを問い合わせています…</translation>
    </message>
    <message>
        <source>Asked at {time}: {outcome}</source>
        <translation>{time} に問い合わせ: {outcome}</translation>
    </message>
    <message>
        <source>The worklist could not be fetched from {nodes}. The orders already here can still be examined; check the node on the Service page (Echo) or register the patient by hand.</source>
        <translation>{nodes} からワークリストを取得できませんでした。既存のオーダは引き続き検査できます。サービス画面でノードを確認（Echo）するか、患者を手動で登録してください。</translation>
    </message>
    <message>
        <source>Worklist refresh failed: {error}</source>
        <translation>ワークリストの更新に失敗しました: {error}</translation>
    </message>
    <message>
        <source>registered here</source>
        <translation>ここで登録</translation>
    </message>
    <message>
        <source>Emergency exam for {name} ({patient_id}). When the order arrives, select it here and press Reconcile.</source>
        <translation>{name}（{patient_id}）の救急検査です。オーダが届いたらここで選択して「照合」を押してください。</translation>
    </message>
    <message>
        <source>The emergency patient could not be registered: {error}. Press Emergency again, or register the patient by hand.</source>
        <translation>救急患者を登録できませんでした: {error}。もう一度「救急」を押すか、手動で登録してください。</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; is not in the list: asking the worklist…</source>
        <translation>「{value}」は一覧にありません: ワークリストを問い合わせています…</translation>
    </message>
    <message>
        <source>No scheduled order has the accession, patient ID or requested procedure ID &apos;{value}&apos;. Refresh the worklist, or check the label.</source>
        <translation>受付番号、患者ID、依頼手技IDが「{value}」の予定オーダはありません。ワークリストを更新するか、ラベルを確認してください。</translation>
    </message>
    <message>
        <source>The worklist could not be asked: {error}</source>
        <translation>ワークリストを問い合わせできませんでした: {error}</translation>
    </message>
    <message>
        <source>{count} orders match &apos;{value}&apos;: choose one in the list and press Start exam.</source>
        <translation>「{value}」に一致するオーダが {count} 件あります。一覧から選んで「検査開始」を押してください。</translation>
    </message>
    <message>
        <source>There is no emergency or unscheduled exam to reconcile.</source>
        <translation>照合する救急または予約外の検査はありません。</translation>
    </message>
    <message>
        <source>Reconciling…</source>
        <translation>照合中…</translation>
    </message>
    <message>
        <source>Reconciled: the exam of {temporary} is filed under patient {patient_id}, accession {accession}; {files} object(s) corrected and queued to be sent again.</source>
        <translation>照合完了: {temporary} の検査を患者 {patient_id}、受付番号 {accession} に登録しました。{files} 件のオブジェクトを修正し、再送信待ちにしました。</translation>
    </message>
    <message>
        <source>Not reconciled: {error}</source>
        <translation>照合されていません: {error}</translation>
    </message>
</context>
<context>
    <name>widget</name>
    <message>
        <source>Changing the configuration</source>
        <translation>設定の変更</translation>
    </message>
    <message>
        <source>Not saved: {reason}</source>
        <translation>保存されていません: {reason}</translation>
    </message>
</context>
</TS>
