"""Every Chinese text of the repository is in Simplified characters (issue 25): the people who use
the tool read and write Simplified Chinese, and the seeds reached us machine-converted into
Traditional ones. The pages (README*, docs/), the default procedure, the message catalogue and
its glossary, the examples and the tests' data are scanned for Traditional-only characters; the
code is not (the date parser reads 後天 and 點 on purpose, and zh-TW is a language the tool may
speak), nor the two tests that hold a table of Traditional characters on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Common Traditional-only characters and their Simplified forms: each pair is one Traditional
# character that Simplified Chinese does not use, then the character it becomes (時→时). Characters
# both scripts share (查, 了, 干, 于 …) are not in it.
TRADITIONAL = dict(pair for pair in (tuple(p) for p in (
    "並并 亞亚 時时 內内 訪访 戶户 寫写 與与 說说 為为 們们 個个 來来 會会 對对 這这 過过 還还 進进 開开 關关 發发 單单 號号 處处 務务 質质 審审 問问 題题 電电 話话 員员 "
    "辦办 證证 檢检 確确 將将 傳传 後后 擬拟 領领 準准 備备 產产 禮礼 試试 術术 應应 預预 輛辆 設设 氣气 變变 訓训 溝沟 識识 級级 邏逻 隊队 崗岗 線线 錄录 場场 "
    "賓宾 車车 運运 貨货 環环 佈布 潔洁 歡欢 橫横 檔档 歸归 饋馈 記记 週周 簽签 終终 執执 組组 評评 優优 點点 別别 隱隐 實实 議议 數数 稱称 現现 響响 網网 絡络 "
    "調调 達达 體体 裡里 麼么 於于 從从 眾众 種种 當当 經经 東东 長长 門门 間间 見见 覺觉 讓让 請请 謝谢 讀读 書书 買买 賣卖 錢钱 價价 學学 習习 語语 認认 頭头 "
    "樣样 聽听 愛爱 萬万 歲岁 華华 國国 區区 醫医 藥药 衛卫 護护 廳厅 樓楼 層层 廠厂 機机 裝装 費费 資资 專专 業业 總总 統统 負负 責责 監监 視视 聯联 係系 幫帮 "
    "緊紧 報报 導导 創创 態态 劃划 計计 圖图 簡简 歷历 際际 隨随 險险 雜杂 難难 雙双 離离 靜静 頁页 順顺 須须 類类 顧顾 顯显 風风 飲饮 館馆 驗验 壓压 壞坏 夠够 "
    "寧宁 屬属 廣广 張张 強强 據据 擔担 擴扩 斷断 無无 舊旧 暫暂 權权 條条 極极 構构 樂乐 標标 殘残 沒没 淨净 減减 測测 滿满 濟济 災灾 燈灯 爭争 獎奖 獨独 畢毕 "
    "異异 療疗 盡尽 礎础 稅税 穩稳 競竞 筆笔 節节 範范 紀纪 約约 紙纸 細细 紹绍 結结 給给 絕绝 維维 綜综 練练 織织 繼继 續续 罰罚 聲声 職职 臨临 舉举 興兴 補补 "
    "製制 複复 規规 親亲 觀观 訂订 討讨 訊讯 許许 訴诉 註注 詞词 詳详 誤误 誰谁 課课 談谈 論论 講讲 譯译 財财 貴贵 趕赶 較较 載载 輕轻 輸输 轉转 農农 連连 遊游 "
    "違违 遠远 適适 選选 遺遗 邊边 郵邮 針针 錯错 鍵键 鎖锁 鐘钟 閉闭 閱阅 陣阵 隻只 雖虽 頂顶 項项 額额 願愿 養养 馬马 齡龄 鬆松 僅仅 儀仪 兩两 冊册 則则 剛刚 "
    "勞劳 勢势 協协 參参 啟启 嚴严 團团 圍围 園园 圓圆 塊块 壽寿 尋寻 屆届 幾几 庫库 廢废 惡恶 慮虑 擋挡 擾扰 攜携 曉晓 棄弃 櫃柜 濃浓 濕湿 營营 熱热 爐炉 狀状 "
    "獲获 盤盘 礙碍 緣缘 縮缩 羅罗 義义 腳脚 蓋盖 覽览 觸触 詢询 誌志 貿贸 賀贺 賠赔 賬账 購购 贈赠 輔辅 輪轮 辭辞 遞递 鄰邻 釋释 銀银 銷销 鋪铺 鏡镜 鑰钥 閃闪 "
    "闆板 靈灵 頓顿 顆颗 顏颜 飯饭 驚惊 麗丽 黨党 幹干 臺台 檯台 採采 麵面 髮发 塗涂 彙汇 臉脸 腦脑 聞闻 陽阳 陳陈 雲云 鐵铁 錶表 鬧闹 齊齐 黃黄 龍龙 島岛 幣币 "
    "勵励 勸劝 匯汇 劇剧 劑剂 倉仓 傷伤 債债 億亿 儲储 兒儿 凱凯 凍冻 剝剥 劍剑 勁劲 勝胜 廁厕 喚唤 嗎吗 嘗尝 噸吨 囑嘱 墊垫 壇坛 夢梦 奪夺 奮奋 婦妇 媽妈 孫孙 "
    "寬宽 寶宝 屢屡 巖岩 幟帜 廟庙 彎弯 徹彻 憑凭 憶忆 懷怀 懸悬 戲戏 戰战 擇择 擊击 擁拥 攝摄 敗败 敵敌 歐欧 殺杀 淚泪 漢汉 灣湾 烏乌 煙烟 爺爷 牆墙 犧牺 猶犹 "
    "獄狱 瘋疯 盜盗 禍祸 窮穷 竊窃 籃篮 糧粮 紅红 納纳 絲丝 綠绿 緒绪 縣县 罷罢 聖圣 肅肃 脅胁 艦舰 藝艺 葉叶 蘭兰 衝冲 襲袭 詩诗 誇夸 謊谎 謎谜 譜谱 貓猫 貝贝 "
    "販贩 貫贯 賢贤 賴赖 賽赛 贊赞 趨趋 軍军 軟软 軌轨 躍跃 鄉乡 鈔钞 鋼钢 隸隶 雞鸡 韓韩 頻频 頸颈 飛飞 飽饱 餅饼 驅驱 骯肮 髒脏 鴨鸭 鹽盐 齋斋 鳥鸟 魚鱼 麥麦 "
    "龜龟 齒齿 鬥斗 剎刹 紮扎 "
).split()))


def files() -> list[Path]:
    found = [*ROOT.glob("README*.md"), *(ROOT / "docs").rglob("*.md"), *(ROOT / "examples").rglob("*"),
             *(ROOT / "src" / "receptionctl" / "procedures").rglob("*"),
             *(ROOT / "src" / "receptionctl" / "locale").rglob("*.po"),
             *(ROOT / "src" / "receptionctl" / "locale").rglob("*.pot"),
             *(ROOT / "src" / "receptionctl" / "locale").rglob("*.toml"), *(ROOT / "tests").rglob("*.py")]
    return sorted(p for p in found if p.is_file() and "zh_TW" not in p.parts and p.name not in ON_PURPOSE)


ON_PURPOSE = {"test_simplified.py", "test_i18n.py"}  # their tables of Traditional characters


FILES = files()


def test_the_table_is_traditional_to_simplified():
    assert len(TRADITIONAL) > 300
    assert not set(TRADITIONAL) & set(TRADITIONAL.values())  # no character is on both sides
    for traditional, simplified in (("時", "时"), ("內", "内"), ("訪", "访"), ("戶", "户"), ("寫", "写"), ("並", "并")):
        assert TRADITIONAL[traditional] == simplified
    assert "查" not in TRADITIONAL and "查" not in TRADITIONAL.values()
    # the README's example before issue 25 would have been found
    assert [ch for ch in "24小時內回訪客戶並填寫" if ch in TRADITIONAL] == list("時內訪戶並寫")


def test_the_scan_reads_the_pages_the_procedure_and_the_catalogue():
    names = {p.relative_to(ROOT).as_posix() for p in FILES}
    assert {"README.md", "README.zh-CN.md", "docs/GLOSSARY.md", "src/receptionctl/procedures/default.toml",
            "src/receptionctl/locale/zh_CN/LC_MESSAGES/receptionctl.po"} <= names


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(ROOT).as_posix() for p in FILES])
def test_no_traditional_character(path):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return  # not a text file
    found = [f"line {n}: {ch}→{TRADITIONAL[ch]} in {line.strip()[:60]!r}"
             for n, line in enumerate(text.splitlines(), 1) for ch in dict.fromkeys(line) if ch in TRADITIONAL]
    assert not found, f"{path.relative_to(ROOT)} has Traditional characters:\n" + "\n".join(found[:20])
