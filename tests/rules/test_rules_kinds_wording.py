"""Per-kind wording the packs must generalise to: positives and traps side by side, our own words."""

from __future__ import annotations

import pytest

from bot.models import NewsItem
from rules.engine import RuleEngine
from rules.settings import RulesSettings


@pytest.fixture(scope="module")
def engine() -> RuleEngine:
    return RuleEngine.from_settings(RulesSettings())


def catalysts(engine: RuleEngine, title: str, summary: str = "") -> set[tuple[str, str, str | None]]:
    found = engine.detect(NewsItem(id="t", title=title, summary=summary))
    return {(c.kind, t, c.direction) for c in found for t in c.tickers}


# (title, summary, kind, ticker, direction)
POSITIVES = [
    # a broker's upgrade of 'the streamer' is the headline company's; bets and unveiled stakes
    ("Chewy rallies 8% as Wedbush upgrades the retailer to Outperform", "", "analyst_upgrade", "CHWY", "positive"),
    ("Coatue boosted bets on Snowflake last quarter", "", "fund_position", "SNOW", "positive"),
    ("Berkshire unveils a $4 billion stake in UnitedHealth", "", "fund_position", "UNH", "positive"),
    # a trade that goes on; short names in a list of companies, before one or after
    ("Ark keeps buying Roku as the stock slides", "", "fund_position", "ROKU", "positive"),
    ("Berkshire keeps selling HP, unloading another $300 million", "", "fund_position", "HPQ", "negative"),
    ("Lam, KLA and Applied slip as new chip-tool curbs take effect", "", "export_license", "LRCX", "negative"),
    ("Lam, KLA and Applied slip as new chip-tool curbs take effect", "", "export_license", "AMAT", "negative"),
    # a move as a noun after the company's possessive
    ("Snap's 25% plunge is its worst day since its listing", "", "price_move", "SNAP", "negative"),
    ("Carvana's 30% surge caps a wild week for short sellers", "", "price_move", "CVNA", "positive"),
    # a cashtag between the broker's verb and the rating; spelled-out AI and 'large model'; an authorization
    ("Barclays takes $UBER to Overweight", "", "analyst_upgrade", "UBER", "positive"),
    ("IBM rolls out an artificial intelligence platform for banks", "", "ai_model", "IBM", "positive"),
    ("Alibaba opens its Qwen large model to enterprise clients", "", "ai_model", "BABA", "positive"),
    ("Micron gets a one-year U.S. authorization to supply its Xi'an plant", "", "export_license", "MU", "positive"),
    # price_move: shorthand, negative moves negative, summaries about the headline's company
    ("Nvidia Up 16% After Blowout Guidance", "", "price_move", "NVDA", "positive"),
    # leaderboard: a market's own best seller is a sales ranking; a company's own best seller is not
    ("Ford's F-150 stays America's best-selling pickup for a 48th year", "", "leaderboard", "F", "positive"),
    ("Nintendo's Switch was the best-selling console in Japan again last year", "", "leaderboard", "NTDOY", "positive"),
    ("UPDATE 1-Pinterest tumbles 18% after the bell on a weak outlook", "", "price_move", "PINS", "negative"),
    ("Intel +22% premarket on foundry deal talk", "", "price_move", "INTC", "positive"),
    ("Oracle shares -9% after hours as cloud bookings slow", "", "price_move", "ORCL", "negative"),
    ("Nike slides ~7% as China demand fades", "", "price_move", "NKE", "negative"),
    ("Micron races 12% higher on memory pricing", "", "price_move", "MU", "positive"),
    ("Intel craters 30% after a dividend cut", "", "price_move", "INTC", "negative"),
    ("Boeing is down ~15% on a guidance cut", "", "price_move", "BA", "negative"),
    ("DocuSign Stock Crashes 42% on Guidance", "", "price_move", "DOCU", "negative"),
    ("Beyond Meat shares tumble 13% after a wider loss", "", "price_move", "BYND", "negative"),
    ("GameStop (GME) stock rockets 40% in premarket trade", "", "price_move", "GME", "positive"),
    ("Tesla upgraded at Barclays, stock surges 7%", "", "price_move", "TSLA", "positive"),
    ("Jabil agrees to sell a unit to Apple, shares jump 8%", "", "price_move", "JBL", "positive"),
    ("Adobe beats on digital media", "The stock ended 5% higher in New York.", "price_move", "ADBE", "positive"),
    ("Nike shares drop 8% to their lowest level since 2018", "", "price_move", "NKE", "negative"),
    ("Oracle (NYSE:ORCL) Shares Up 7.4% - Time to Buy?", "", "price_move", "ORCL", "positive"),  # a news API's tag line
    # analyst_upgrade
    ("Jefferies raises PT on Starbucks to $120", "", "analyst_upgrade", "SBUX", "positive"),
    ("BofA raises PO on Caterpillar, sees more upside", "", "analyst_upgrade", "CAT", "positive"),
    ("Salesforce price target lifted to $400 at Barclays", "", "analyst_upgrade", "CRM", "positive"),
    ("Nike's target boosted by $10 at Citi", "", "analyst_upgrade", "NKE", "positive"),
    ("Amazon's price target raised at Piper Sandler", "", "analyst_upgrade", "AMZN", "positive"),
    ("Analysts up their targets on Nvidia after a blowout quarter", "", "analyst_upgrade", "NVDA", "positive"),
    ("Morgan Stanley initiates coverage on Uber at Overweight", "", "analyst_upgrade", "UBER", "positive"),
    ("Goldman starts Microsoft, Oracle at Buy; Adobe at Neutral", "", "analyst_upgrade", "MSFT", "positive"),
    ("Goldman starts Microsoft, Oracle at Buy; Adobe at Neutral", "", "analyst_upgrade", "ORCL", "positive"),
    ("Boeing upgraded to Hold from Sell at Wells Fargo", "", "analyst_upgrade", "BA", "positive"),
    ("Caterpillar climbs; an upgrade helps", "", "analyst_upgrade", "CAT", "positive"),
    ("Apple climbs as a Wedbush upgrade lifts sentiment", "", "analyst_upgrade", "AAPL", "positive"),
    ("This Nike analyst turns bullish; here are the day's top upgrades", "", "analyst_upgrade", "NKE", "positive"),
    ("Nvidia gets a price target hike from Morgan Stanley", "", "analyst_upgrade", "NVDA", "positive"),
    ("Apple lands a PT bump at Wedbush before the iPhone event", "", "analyst_upgrade", "AAPL", "positive"),
    ("Price target boost for Tesla at Baird after deliveries beat", "", "analyst_upgrade", "TSLA", "positive"),
    ("Microsoft gets a higher price target at Jefferies", "", "analyst_upgrade", "MSFT", "positive"),
    ("Price target on Apple raised to $250 at JPMorgan", "", "analyst_upgrade", "AAPL", "positive"),
    ("Analysts hike Meta price targets after a strong ad quarter", "", "analyst_upgrade", "META", "positive"),
    ("Morgan Stanley upgrades its rating on Tesla to Overweight", "", "analyst_upgrade", "TSLA", "positive"),
    ("Intel slips even as Deutsche Bank upgrades, citing margins", "", "analyst_upgrade", "INTC", "positive"),
    ("Nike shares rise after a pair of upgrades", "", "analyst_upgrade", "NKE", "positive"),
    ("Target upgraded to Buy at Jefferies", "", "analyst_upgrade", "TGT", "positive"),  # a name, not a price target
    ("Advanced Micro Devices (NASDAQ:AMD) stock rating upgraded by Wall Street Zen", "", "analyst_upgrade", "AMD", "positive"),
    # the company between the broker's verb and the rating is the one raised
    ("Oppenheimer moves Lowe's to Outperform", "", "analyst_upgrade", "LOW", "positive"),
    ("Evercore raised Visa to Outperform from In Line", "", "analyst_upgrade", "V", "positive"),
    ("Adobe Analysts Boost Their Forecasts After a Strong Quarter", "", "analyst_upgrade", "ADBE", "positive"),
    ("Lumentum jumps as Barclays upgrades to Overweight", "", "analyst_upgrade", "LITE", "positive"),  # the rating alone after the verb
    ("Ciena rises after Citi upgrades the stock to Buy", "", "analyst_upgrade", "CIEN", "positive"),
    # a rating 'to Buy' is no pitch to buy the stock
    ("Why Lyft Stock Jumped Today", "Shares of Lyft rose 8% after Bernstein upgraded the stock to Buy.", "price_move", "LYFT", "positive"),
    ("Snowflake soars 20% on AI demand", "", "price_move", "SNOW", "positive"),
    # price_move: base forms and retail verbs ('pop', 'rip', 'vault', 'hammered')
    ("Lyft shares pop 11% on a profit beat", "", "price_move", "LYFT", "positive"),
    ("Coinbase shares rip 14% higher as crypto volumes swell", "", "price_move", "COIN", "positive"),
    ("Wolfspeed shares vault 30% after a supply deal", "", "price_move", "WOLF", "positive"),
    ("Peloton stock hammered 14% after a guidance cut", "", "price_move", "PTON", "negative"),
    # news moving the shares: the cause is no share price, the company after the verb moves
    ("Copper's rally lifts Freeport-McMoRan shares 7%", "", "price_move", "FCX", "positive"),
    ("Cloud demand sends Oracle shares 11% higher", "", "price_move", "ORCL", "positive"),
    ("Apple falls 8% after fourth-quarter results", "", "price_move", "AAPL", "negative"),  # the quarter's results, not its span
    ("Why Advanced Micro Devices Stock Is Sliding", "Shares of Advanced Micro Devices fell 7% on Tuesday.", "price_move", "AMD", "negative"),  # 'Advanced' is its name, no rise
    ("A recall knocked 9% off Ford's shares", "", "price_move", "F", "negative"),
    # fund_position: filings, news and automated holdings items; exits negative
    ("Berkshire Hathaway trims its Apple stake again, 13F shows", "", "fund_position", "AAPL", "negative"),
    ("Pershing Square names Alphabet its largest position", "", "fund_position", "GOOGL", "positive"),
    ("Hedge funds piled into Nvidia in the fourth quarter", "", "fund_position", "NVDA", "positive"),
    ("BlackRock reports a 6.1% passive stake in Nike in a Schedule 13G", "", "fund_position", "NKE", "positive"),
    ("Ark Invest exits its entire position in Tesla", "", "fund_position", "TSLA", "negative"),
    ("Third Point pulls the plug on its Disney stake", "", "fund_position", "DIS", "negative"),
    ("Mariner Wealth Advisors LLC acquires 2,000 shares of Apple Inc. $AAPL", "", "fund_position", "AAPL", "positive"),
    ("Brightline Capital Partners LP increases its holdings in Microsoft (NASDAQ:MSFT)", "", "fund_position", "MSFT", "positive"),
    ("Starbucks (NASDAQ:SBUX) position trimmed by Summit Financial Group Inc.", "", "fund_position", "SBUX", "negative"),
    # automated holdings items of any institution, named by its legal form
    ("Harbor Lane Corp Takes Position in Uber Technologies (NYSE:UBER)", "", "fund_position", "UBER", "positive"),
    ("Bayview Bank of Ohio Grows Stake in Costco Wholesale (NASDAQ:COST)", "", "fund_position", "COST", "positive"),
    ("Keller Group AG Decreases Stock Position in Moderna, Inc. (NASDAQ:MRNA)", "", "fund_position", "MRNA", "negative"),
    ("Dunmore Holdings Inc. Invests $4 Million in Airbnb, Inc. (NASDAQ:ABNB)", "", "fund_position", "ABNB", "positive"),
    ("Intel Co. (NASDAQ:INTC) Shares Sold by Redwater Financial Inc.", "", "fund_position", "INTC", "negative"),
    # holders named by their trade name ('... Wealth Management', '... Capital') or as a trust company
    ("Pine Hill Wealth Management Invests $1.8 Million in Costco Wholesale (NASDAQ:COST)", "", "fund_position", "COST", "positive"),
    ("Blue Fern Capital Exits Position in Nike, Inc. (NYSE:NKE)", "", "fund_position", "NKE", "negative"),
    ("Harbor Point Financial Has $2.4 Million Position in Nike, Inc. (NYSE:NKE)", "", "fund_position", "NKE", "positive"),
    ("Vanguard now owns 9.2% of Ford, a filing shows", "", "fund_position", "F", "positive"),  # a disclosed share
    ("Bank of Montreal Can Sells 1,200 Shares of Nike, Inc. (NYSE:NKE)", "", "fund_position", "NKE", "negative"),  # a holder's name abbreviated
    ("Microsoft Co. (NASDAQ:MSFT) Stake Lowered by Lakeview Trust Co.", "", "fund_position", "MSFT", "negative"),
    # one fund's further trades, each opening a clause of its own
    ("Third Point buys Uber, exits Disney", "", "fund_position", "DIS", "negative"),
    ("Ark Invest Trims Tesla, Adds Palantir", "", "fund_position", "PLTR", "positive"),
    # export_license: permissions, restrictions, enforcement
    ("US begins approving licences for Nvidia H20 sales to China", "", "export_license", "NVDA", "positive"),
    ("Commerce lets AMD sell MI308 chips to vetted Chinese buyers", "", "export_license", "AMD", "positive"),
    ("US imposes licence requirement on Nvidia's H20 exports to China", "", "export_license", "NVDA", "negative"),
    ("Micron halts sales to Chinese server makers to comply with US rules", "", "export_license", "MU", "negative"),
    ("Nvidia stock sinks as China trade restrictions set to crimp sales", "", "export_license", "NVDA", "negative"),
    ("Applied Materials pays $200 million penalty over unlicensed exports to SMIC", "", "export_license", "AMAT", "negative"),
    ("Qualcomm gets U.S. nod to export chips to Huawei", "", "export_license", "QCOM", "positive"),
    ("Micron banned from selling chips in China", "", "export_license", "MU", "negative"),
    ("U.S. to allow Nvidia to sell H20 chips in China again", "", "export_license", "NVDA", "positive"),
    ("Broadcom books a charge as the US restricts its chip sales to China", "", "export_license", "AVGO", "negative"),
    ("Washington curbs AMD's accelerator exports to the Gulf", "", "export_license", "AMD", "negative"),
    ("US eases chip curbs on Micron memory sales to China", "", "export_license", "MU", "positive"),
    ("Lam Research gets a subpoena over shipments to SMIC", "", "export_license", "LRCX", "negative"),
    ("Applied Materials pleads guilty to exporting tools to China", "", "export_license", "AMAT", "negative"),
    ("Lam Research slides as Commerce widens China chip equipment curbs", "", "export_license", "LRCX", "negative"),  # Washington's curbs on its goods
    ("Marvell faces stricter U.S. rules on AI chip exports to the Gulf", "", "export_license", "MRVL", "negative"),
    ("Washington blocks Micron from supplying Huawei", "", "export_license", "MU", "negative"),
    ("AMD's China-bound MI309 chip awaits Commerce approval", "", "export_license", "AMD", "positive"),
    # ai_model: models, chips, assistants
    ("Alibaba open-sources its Qwen3 family of models", "", "ai_model", "BABA", "positive"),
    ("Nvidia launches Blackwell Ultra AI chip", "", "ai_model", "NVDA", "positive"),
    ("Nvidia launches Volta GPU for deep learning", "", "ai_model", "NVDA", "positive"),
    ("Amazon rolls out Alexa+ AI assistant to more users", "", "ai_model", "AMZN", "positive"),
    ("Amazon introduces Nova Premier, its most capable model yet", "", "ai_model", "AMZN", "positive"),
    ("Apple launches on-device foundation models for app makers", "", "ai_model", "AAPL", "positive"),
    # leaderboard: charts, arenas, benchmark scores
    ("Google's Gemini takes first place on LMArena", "", "leaderboard", "GOOGL", "positive"),
    ("Meta's Threads climbs to No. 2 in Google Play's top free apps", "", "leaderboard", "META", "positive"),
    ("Amazon's Nova scores highest on the MMLU benchmark", "", "leaderboard", "AMZN", "positive"),
    ("Spotify takes the top spot in Apple's app chart", "", "leaderboard", "SPOT", "positive"),
    ("Baidu's Ernie ranks first on a Chinese reasoning benchmark", "", "leaderboard", "BIDU", "positive"),
    ("Intel's Gaudi posts top results on MLPerf inference", "", "leaderboard", "INTC", "positive"),
    ("Nvidia sweeps the MLPerf training benchmarks", "", "leaderboard", "NVDA", "positive"),
    ("AMD's MI355X posts top MLPerf inference scores", "", "leaderboard", "AMD", "positive"),
    ("Microsoft's Copilot app climbs into the App Store's top five", "", "leaderboard", "MSFT", "positive"),
    ("Amazon's Nova models score best on a cost benchmark", "", "leaderboard", "AMZN", "positive"),
    ("Duolingo tops Apple's App Store education chart", "", "leaderboard", "DUOL", "positive"),
    ("Warner Bros. Discovery's 'Dune' leads the weekend box office", "", "leaderboard", "WBD", "positive"),  # 'Bros.' ends no sentence
    ("Oracle launches AI agents for hospital records", "", "ai_model", "ORCL", "positive"),
    ("Marvell unveils accelerators for AI training clusters", "", "ai_model", "MRVL", "positive"),
    ("Broadcom unveils custom accelerator chips for data center inference", "", "ai_model", "AVGO", "positive"),
    ("Snowflake releases Polar, an open reasoning model", "", "ai_model", "SNOW", "positive"),  # an appositive is no clause break
    ("Google DeepMind releases a new world model for robots", "", "ai_model", "GOOGL", "positive"),
    ("Snap launches an AI app for creators", "", "ai_model", "SNAP", "positive"),
    ("Nvidia introduces an AI platform for humanoid robots", "", "ai_model", "NVDA", "positive"),
    ("Microsoft unveils Fara, its first agentic model for PCs", "", "ai_model", "MSFT", "positive"),
    ("Google debuts Gemma 3 open models for phones", "", "ai_model", "GOOGL", "positive"),  # a named model family
    ("Amazon unveils Trainium 3 chips at re:Invent", "", "ai_model", "AMZN", "positive"),  # a named AI accelerator family
    ("Dell debuts an AI supercomputer for the desk", "", "ai_model", "DELL", "positive"),
    # base verb forms after two companies, and generators, embedding and speech models, NPUs
    ("Adobe and Nvidia introduce an open video model for studios", "", "ai_model", "ADBE", "positive"),
    ("Pinterest debuts an image generator for advertisers", "", "ai_model", "PINS", "positive"),
    ("Cisco releases open embedding models for security search", "", "ai_model", "CSCO", "positive"),
    ("Baidu launches a speech recognition model for call centers", "", "ai_model", "BIDU", "positive"),
    ("AMD launches Ryzen chips with a faster NPU for laptops", "", "ai_model", "AMD", "positive"),
    # availability, open weights, a family name, the Chinese press's 'large model', spelled-out NPUs
    ("Oracle's AI agents for banks are now generally available", "", "ai_model", "ORCL", "positive"),
    ("Workday puts out an open-weights coding model", "", "ai_model", "WDAY", "positive"),
    ("Google's Veo 4 arrives in YouTube Shorts", "", "ai_model", "GOOGL", "positive"),
    ("Microsoft publishes the weights of its Phi reasoning model", "", "ai_model", "MSFT", "positive"),
    ("Baidu releases a large model for insurers", "", "ai_model", "BIDU", "positive"),
    ("AMD announces laptop chips with neural processing units", "", "ai_model", "AMD", "positive"),
    ("IBM open-sources Granite models for code", "", "ai_model", "IBM", "positive"),
    # newsletter release wording, a verb whose place or audience follows the model, named assistants
    ("Dropbox's AI research assistant is out for business plans", "", "ai_model", "DBX", "positive"),
    ("Workday just dropped an agentic hiring assistant", "", "ai_model", "WDAY", "positive"),
    ("Cisco brings its security reasoning model to market", "", "ai_model", "CSCO", "positive"),
    ("Palantir opens its AI agent builder to outside developers", "", "ai_model", "PLTR", "positive"),
    ("Alibaba posts Qwen2.5-Math weights on Hugging Face", "", "ai_model", "BABA", "positive"),
    ("A new design tool", "Adobe made its Firefly video model available in Premiere on Tuesday.", "ai_model", "ADBE", "positive"),
    ("Now Assist is now available to every ServiceNow customer", "", "ai_model", "NOW", "positive"),
    ("Uber launches Atlas, a voice model for drivers", "", "ai_model", "UBER", "positive"),
    # reveal idioms, shipping begun, and a noun phrase that says AI by its build (unknown names)
    ("Qualcomm takes the wraps off its Snapdragon AI accelerator", "", "ai_model", "QCOM", "positive"),
    ("Intel begins shipping Gaudi 3 to cloud providers", "", "ai_model", "INTC", "positive"),
    ("Tesla shows off its Dojo training chip", "", "ai_model", "TSLA", "positive"),
    ("Snap releases Lumos, a text-to-image generation model", "", "ai_model", "SNAP", "positive"),
    ("IBM unveils Prithvi speech and vision models", "", "ai_model", "IBM", "positive"),
    ("Intuit launches an AI bookkeeping agent for small firms", "", "ai_model", "INTU", "positive"),
    ("Adobe rolls out Muse, a model trained on licensed stock images", "", "ai_model", "ADBE", "positive"),
    ("Baidu unveils Wenxin 4.5 model", "", "ai_model", "BIDU", "positive"),
    ("Amazon open-sources a 70B model for shopping", "", "ai_model", "AMZN", "positive"),
    ("Meta unveils in-house Atlas model", "", "ai_model", "META", "positive"),
    ("ServiceNow's AI triage agent now generally available", "", "ai_model", "NOW", "positive"),
    # an appositive opened by 'its', and the audience or download after the model
    ("Intel launches Jaguar Shores, its rack-scale GPU for inference", "", "ai_model", "INTC", "positive"),
    ("Adobe opens its Firefly image model to the public", "", "ai_model", "ADBE", "positive"),
    ("IBM's Granite 4 models are now free for anyone to download", "", "ai_model", "IBM", "positive"),
    # a product given a new model or agents
    ("Google adds a music generation model to Vertex", "", "ai_model", "GOOGL", "positive"),
    ("Salesforce's Slack gets new AI agents for sales teams", "", "ai_model", "CRM", "positive"),
    # a summary's release of 'the model' or 'the chip' under a headline naming the AI product
    ("Marvell's Structera AI accelerator is here", "Marvell began shipping the chip to two cloud customers.", "ai_model", "MRVL", "positive"),
    ("Inside Qwen-VL Max", "Alibaba made the model available through its cloud on Friday.", "ai_model", "BABA", "positive"),
    # curtain idioms, going open source, Nvidia's part numbers, chat models, the Neural Engine, data center accelerators
    ("Meta lifts the curtain on Chameleon, a multimodal model", "", "ai_model", "META", "positive"),
    ("IBM's Granite speech models go open source", "", "ai_model", "IBM", "positive"),
    ("Nvidia's B300 is now shipping to cloud providers", "", "ai_model", "NVDA", "positive"),
    ("Snowflake releases an open chat model for SQL", "", "ai_model", "SNOW", "positive"),
    ("Apple launches the A19 chip with a bigger Neural Engine", "", "ai_model", "AAPL", "positive"),
    ("Marvell unveils data center accelerators for hyperscalers", "", "ai_model", "MRVL", "positive"),
    # a headline presenting the product, then its maker; world generation models
    ("Meet Muse, Microsoft's new model for game worlds", "", "ai_model", "MSFT", "positive"),
    ("Here's Nova Premier: Amazon's most capable model", "", "ai_model", "AMZN", "positive"),
    ("Nvidia releases Cosmos Predict, a world generation model", "", "ai_model", "NVDA", "positive"),
    ("Expedia rolls out a ChatGPT-powered trip planner assistant", "", "ai_model", "EXPE", "positive"),
    # leaderboard: places below first, breaking into a chart, AI rankings, benchmark rounds
    ("Uber's app jumps to No. 2 in the App Store's travel chart", "", "leaderboard", "UBER", "positive"),
    ("DoorDash breaks into the App Store's top 5 after a promotion", "", "leaderboard", "DASH", "positive"),
    ("Meta's Llama leads Artificial Analysis' open-weights ranking", "", "leaderboard", "META", "positive"),
    ("Intel's Xeon posts leading results in the newest MLPerf round", "", "leaderboard", "INTC", "positive"),
    # overtaking, grossing and scoring ranks, app-store wording without 'chart', hardware rankings
    ("Robinhood overtakes Coinbase as the top free finance app", "", "leaderboard", "HOOD", "positive"),
    ("Roblox is the highest-grossing game on Google Play", "", "leaderboard", "RBLX", "positive"),
    ("Apple's M5 is the top-ranked laptop chip on Geekbench", "", "leaderboard", "AAPL", "positive"),
    ("AMD's Epyc outpaces Intel's Xeon on Geekbench", "", "leaderboard", "AMD", "positive"),
    ("Roblox tops the list of the most played games on Steam", "", "leaderboard", "RBLX", "positive"),
    ("Take-Two's NBA 2K tops Steam over the weekend", "", "leaderboard", "TTWO", "positive"),
    ("Nvidia's Blackwell leads the InferenceMAX results", "", "leaderboard", "NVDA", "positive"),
    ("Hewlett Packard Enterprise's Frontier keeps the top spot on the Green500 list", "", "leaderboard", "HPE", "positive"),
    # plural subjects, sales and viewing ranks with a chart named, the rankings' own names
    ("Microsoft's Phi models lead the Open LLM Leaderboard for their size", "", "leaderboard", "MSFT", "positive"),
    ("Cisco's embedding models rank first on MTEB for security search", "", "leaderboard", "CSCO", "positive"),
    ("Ubisoft-free week: Take-Two's NBA 2K26 is the best-selling game on Steam", "", "leaderboard", "TTWO", "positive"),
    ("Disney's 'Andor' is the most-watched series on FlixPatrol this weekend", "", "leaderboard", "DIS", "positive"),
    ("A Nvidia team takes first place in a Kaggle protein-folding contest", "", "leaderboard", "NVDA", "positive"),
    ("Nintendo rival Sony's Ghost of Yotei tops the weekly software sales in Japan", "", "leaderboard", "SONY", "positive"),
    # leaderboard: a release opening at a numbered place, which only a chart gives
    ("Disney's 'Lilo & Stitch' debuts at No. 1 over Memorial Day", "", "leaderboard", "DIS", "positive"),
    ("Sony's 'Venom' sequel opens atop the North American box office", "", "leaderboard", "SONY", "positive"),
    ("Lionsgate Studios' thriller lands at No. 2 in its opening weekend", "", "leaderboard", "LION", "positive"),
    ("Comcast's 'Jurassic World Rebirth' debuted in first place overseas", "", "leaderboard", "CMCSA", "positive"),
    # leaderboard: the possessive owner of a product that shares another company's name
    ("Tencent's Yuanbao assistant is the No. 1 free app on China's App Store", "", "leaderboard", "TCEHY", "positive"),
    ("Nvidia's RTX 5080 takes the top spot in Geekbench's OpenCL chart", "", "leaderboard", "NVDA", "positive"),
    ("Google's Gemini climbs to No. 1 in Japan's App Store", "", "leaderboard", "GOOGL", "positive"),
    ("Instagram's Edits becomes the No. 1 free app in the US", "", "leaderboard", "META", "positive"),
    # leaderboard: a headline naming only the product, its owner in the summary
    ("'The Batman Part II' tops the weekend box office", "Warner Bros. Discovery's sequel took $90 million.", "leaderboard", "WBD", "positive"),
    ("'Stranger Things 5' leads Nielsen's streaming chart", "Netflix said the final season drew 60 million viewers.", "leaderboard", "NFLX", "positive"),
    # leaderboard: paid-app charts, a chart's views, dominating a chart, named trackers and indexes
    ("Microsoft's Minecraft is again the No. 1 paid app on iPhone", "", "leaderboard", "MSFT", "positive"),
    ("'Wednesday' season 2 tops Netflix's Top 10 with 50 million views", "", "leaderboard", "NFLX", "positive"),
    ("Nvidia's H100 dominates the MLPerf charts again", "", "leaderboard", "NVDA", "positive"),
    ("Dell ranks third in IDC's quarterly PC tracker", "", "leaderboard", "DELL", "positive"),
    ("Alibaba's Qwen3 ranks second on a new intelligence index", "", "leaderboard", "BABA", "positive"),
    # leaderboard: crowns, ratings, sellers and climbs up a chart
    ("Anthropic rival Google's Gemini 3 reclaims the crown on LMArena", "", "leaderboard", "GOOGL", "positive"),
    ("Peloton is the top-rated fitness app on Google Play", "", "leaderboard", "PTON", "positive"),
    ("Electronic Arts' Madden 26 was the top seller of August on Circana's chart", "", "leaderboard", "EA", "positive"),
    ("Pinterest rockets up the App Store charts after its redesign", "", "leaderboard", "PINS", "positive"),
    ("Sony's PS5 outsells Xbox again in Japan's weekly hardware chart", "", "leaderboard", "SONY", "positive"),
    # leaderboard: a chart place whose tracker is named as the source after a comma
    ("Nintendo's Mario Kart World is the best-selling game in Japan this week, Famitsu says", "", "leaderboard", "NTDOY", "positive"),
    ("HPE's El Capitan stays the world's fastest supercomputer, TOP500 says", "", "leaderboard", "HPE", "positive"),
    # leaderboard: the highest score of a kind on a named benchmark
    ("Qualcomm's Snapdragon posts the highest multi-core score on Geekbench so far", "", "leaderboard", "QCOM", "positive"),
    # leaderboard: an app at a numbered place (only an app chart gives one), named charts, re-entries
    ("Lyft's app jumps to No. 3 in the travel category after a price cut", "", "leaderboard", "LYFT", "positive"),
    ("Shopify's Shop is the No. 2 shopping app in Britain this week", "", "leaderboard", "SHOP", "positive"),
    ("Warner Music's Ed Sheeran single returns to No. 1 on the Hot 100", "", "leaderboard", "WMG", "positive"),
    ("Robinhood returns to the App Store's top 10 as meme stocks rally", "", "leaderboard", "HOOD", "positive"),
    ("Baidu's Ernie takes the lead on the SuperCLUE reasoning board", "", "leaderboard", "BIDU", "positive"),
    ("MercadoLibre's Mercado Pago ranks first among finance apps in Chile", "", "leaderboard", "MELI", "positive"),
    ("Grab tops ride-hailing apps in Vietnam for the holiday", "", "leaderboard", "GRAB", "positive"),
    ("Amazon's Nova model enters the LMArena top 20", "", "leaderboard", "AMZN", "positive"),
    ("Microsoft's Copilot app re-enters the App Store top 10", "", "leaderboard", "MSFT", "positive"),
    # leaderboard: box-office weekends, places below first at a debut, named benchmarks
    ("'Zootopia 2' stays No. 1 for a second weekend", "Walt Disney's sequel added $60 million.", "leaderboard", "DIS", "positive"),
    ("Sony's 'Karate Kid' opens in second place with $21 million", "", "leaderboard", "SONY", "positive"),
    ("Comcast's Universal lands a No. 1 opening with 'Nobody 2'", "", "leaderboard", "CMCSA", "positive"),
    ("IBM's Granite leads small models on GPQA", "", "leaderboard", "IBM", "positive"),
    ("'Twisters' from Universal Pictures wins the weekend box office", "", "leaderboard", "CMCSA", "positive"),  # not Universal Corp
    # fund_position: retail verbs for a buy, and each trade of a list
    ("Cathie Wood's Ark scooped up more Roblox shares", "", "fund_position", "RBLX", "positive"),
    ("Soros Fund Management doubles down on Uber", "", "fund_position", "UBER", "positive"),
    ("Tiger Global exits Uber, snaps up Alphabet", "", "fund_position", "GOOGL", "positive"),
    ("Coatue trims Microsoft, piles into Oracle", "", "fund_position", "ORCL", "positive"),
    # fund_position: more trade verbs, the company before the noun in a list, a stake past a level
    ("Icahn ramps up his stake in Southwest Gas", "", "fund_position", "SWX", "positive"),
    ("Third Point pares its Microsoft position", "", "fund_position", "MSFT", "negative"),
    ("Cevian amasses a stake in Smurfit Westrock", "", "fund_position", "SW", "positive"),
    ("Mubadala takes new stakes in Nvidia and Broadcom", "", "fund_position", "AVGO", "positive"),
    ("Appaloosa boosts Amazon position, exits Intel", "", "fund_position", "AMZN", "positive"),
    ("Appaloosa boosts Amazon position, exits Intel", "", "fund_position", "INTC", "negative"),
    ("BlackRock's Tesla stake drops below 5%", "", "fund_position", "TSLA", "negative"),
    ("Vanguard's stake in Peloton rises to 9%, a filing shows", "", "fund_position", "PTON", "positive"),
    ("Phillips 66 stake disclosed by Elliott", "", "fund_position", "PSX", "positive"),
    ("Stake in Match Group revealed by activist Starboard", "", "fund_position", "MTCH", "positive"),
    ("Shares of Lowe's sold by Cedar Point Advisors LLC", "", "fund_position", "LOW", "negative"),
    # export_license: a payment over unlicensed shipments
    ("Seagate to pay $300 million for selling drives to Huawei without a licence", "", "export_license", "STX", "negative"),
    # export_license: a control lifted, eased or rolled back is positive though the noun says curbs
    ("Synopsys restarts China sales after Washington rolls back EDA export restrictions", "", "export_license", "SNPS", "positive"),
    ("Lam Research rallies after chip-tool export curbs are eased", "", "export_license", "LRCX", "positive"),
    ("Washington scraps the licence requirement for AMD chips to China", "", "export_license", "AMD", "positive"),
    ("Washington reverses restrictions on Ansys simulation software sales to China", "", "export_license", "ANSS", "positive"),
    ("Broadcom lifts its forecast even as export curbs bite", "", "export_license", "AVGO", "negative"),  # its own forecast
    # export_license: licences restored, needed or refused; pauses; Beijing's bans on a US buyer
    ("Applied Materials' export licences for China restored", "", "export_license", "AMAT", "positive"),
    ("Micron will need licences for some memory exports to China, Commerce says", "", "export_license", "MU", "negative"),
    ("Commerce rejects AMD application to export MI308 accelerators to China", "", "export_license", "AMD", "negative"),
    ("Nvidia expects the U.S. to approve H200 permits within weeks", "", "export_license", "NVDA", "positive"),
    ("Super Micro pauses GPU shipments to China pending licences", "", "export_license", "SMCI", "negative"),
    ("Applied Materials can no longer ship certain tools to Chinese fabs", "", "export_license", "AMAT", "negative"),
    ("Lam Research's China licences suspended", "", "export_license", "LRCX", "negative"),
    ("Marvell expects export licences for its China-bound switches", "", "export_license", "MRVL", "positive"),
    # new or tighter chip curbs with no government named
    ("Analysts say tougher HBM curbs will squeeze SK Hynix rival Micron", "", "export_license", "MU", "negative"),
    ("Stricter chip-equipment rules cloud KLA's outlook", "", "export_license", "KLAC", "negative"),
    ("China bans exports of dual-use items to Northrop Grumman", "", "export_license", "NOC", "negative"),
    ("Oracle to pay $1 million over unauthorized exports of software to Iran", "", "export_license", "ORCL", "negative"),
    ("Beijing places Boeing's defense unit on its export control list", "", "export_license", "BA", "negative"),
    # Beijing's licences for materials a named company buys (its curbs in general are not: see TRAPS)
    ("Ford wins Chinese export licences for rare-earth magnets", "", "export_license", "F", "positive"),
    ("Tesla says delays in Beijing's magnet export licences are hurting robot output", "", "export_license", "TSLA", "negative"),
    # 52_week_high: any verb form, the stock's own record
    ("$PLTR new ATH", "", "52_week_high", "PLTR", "positive"),
    ("Costco sets a new 52-week peak", "", "52_week_high", "COST", "positive"),
    ("Nvidia soars to a new peak after earnings", "", "52_week_high", "NVDA", "positive"),
    ("Microsoft hits fresh record as cloud sales grow", "", "52_week_high", "MSFT", "positive"),
    ("Amazon stock rallies to records after upbeat outlook", "", "52_week_high", "AMZN", "positive"),
    ("Apple tops $4 trillion", "The stock hit an all-time high on Tuesday.", "52_week_high", "AAPL", "positive"),
    ("JPMorgan Chase stock hits a record high", "", "52_week_high", "JPM", "positive"),
    ("Oracle (ORCL) Hits 52-Week High: What's Next for the Stock?", "", "52_week_high", "ORCL", "positive"),  # a question after the high
    ("Cintas (CTAS) Rallies to 52-Week High, Still Time to Buy?", "", "52_week_high", "CTAS", "positive"),  # a tag line after a comma
    ("Visa shares close at a record after strong holiday spending", "", "52_week_high", "V", "positive"),
    ("Morgan Stanley shares hit a record as trading revenue jumps", "", "52_week_high", "MS", "positive"),
    ("Costco Stock Hits Record on Membership Growth", "", "52_week_high", "COST", "positive"),
    ("Walmart stock climbs to its highest level ever", "", "52_week_high", "WMT", "positive"),
    ("Netflix stock trades at its highest price in history", "", "52_week_high", "NFLX", "positive"),
    ("Abbott stock touches record after a device approval", "", "52_week_high", "ABT", "positive"),  # the shares set it
    ("Amgen shares set a new record on obesity data", "", "52_week_high", "AMGN", "positive"),
    ("Intel (NASDAQ:INTC) Hits New 1-Year High - Time to Buy?", "", "52_week_high", "INTC", "positive"),  # 'year' inside the anchor
    ("Starbucks stock hits a one-year high", "", "52_week_high", "SBUX", "positive"),
    ("Visa stock scales a record after a strong quarter", "", "52_week_high", "V", "positive"),
    # Simply Wall St's wording of a revision
    ("Analysts Just Made A Large Upgrade To Their Etsy, Inc. (NASDAQ:ETSY) Estimates", "", "analyst_upgrade", "ETSY", "positive"),
    # an outlook called annual is no span of the move
    ("Dollar Tree Shares Slump 12% as Retailer Trims Annual Forecast", "", "price_move", "DLTR", "negative"),
    ("Micron (MU) Upgraded to Strong Buy: What Does It Mean for Investors?", "", "analyst_upgrade", "MU", "positive"),
    ("Costco (COST) Upgraded to Buy: Here's Why", "", "analyst_upgrade", "COST", "positive"),  # not "Here Group"
    # 52_week_high: a range line does not hide a high reached today
    ("Vertex Stock Sets New 52-Week High at $512", "The shares touched $512.40, above the prior peak.", "52_week_high", "VRTX", "positive"),
    ("Texas Instruments (NASDAQ:TXN) hits a fifty-two week high", "", "52_week_high", "TXN", "positive"),
    # analyst_upgrade: a bank covered by another bank, the actor before the anchor or after 'at'/'by'
    ("Bernstein upgrades Morgan Stanley to Outperform", "", "analyst_upgrade", "MS", "positive"),
    ("Citigroup raised to Buy at Jefferies", "", "analyst_upgrade", "C", "positive"),
    ("Wells Fargo upgraded by Barclays on buyback capacity", "", "analyst_upgrade", "WFC", "positive"),
    ("Lender rally", "Evercore lifted its price target on Goldman Sachs to $720 from $650.", "analyst_upgrade", "GS", "positive"),
    ("Cathie Wood's Ark sells Tesla after JPMorgan upgrade", "", "analyst_upgrade", "TSLA", "positive"),  # the fund acts, not the bank
    # a one-word name before the rating coverage starts at ('starts Roku at Buy')
    ("Loop Capital starts Roku at Buy", "", "analyst_upgrade", "ROKU", "positive"),
    # 52_week_high: a summary's bare noun with its verb to the level ('The stock hit a new ...')
    ("What's moving Eli Lilly today?", "The stock touched a fresh all-time high in morning trade.", "52_week_high", "LLY", "positive"),
    ("Caterpillar raises outlook", "The machinery maker's stock climbed as much as 3% to a record.", "52_week_high", "CAT", "positive"),
    # analyst_upgrade: estimates said to be going up, a tag line after it
    ("Earnings Estimates Rising for Nucor (NUE): Will It Gain?", "", "analyst_upgrade", "NUE", "positive"),
    ("Deere's EPS estimates are rising after the dealer survey", "", "analyst_upgrade", "DE", "positive"),
    # 52_week_high: 'at its highest ever' with no price verb; analyst_upgrade: a bull-case target raised
    ("Eaton at its highest ever as grid orders pile up", "", "52_week_high", "ETN", "positive"),
    ("Morgan Stanley lifts Nvidia bull case to $300", "", "analyst_upgrade", "NVDA", "positive"),
    ("Jefferies upgrades Visa, downgrades Mastercard", "", "analyst_upgrade", "V", "positive"),
    ("Oracle (NYSE:ORCL) Shares Up 6.2% After Analyst Upgrade", "Oracle was upgraded by Melius Research to buy.", "analyst_upgrade", "ORCL", "positive"),  # the headline names the reason
    # price_move: a summary's short form, the first word of the headline's company ('Rigetti shares')
    ("Rigetti Computing (RGTI) wins Air Force quantum contract", "Rigetti shares jumped 9% in early trade.", "price_move", "RGTI", "positive"),
    # price_move: a session's move to a level described as the highest or lowest since a month
    ("Moderna stock sinks 9% to its lowest close since March", "", "price_move", "MRNA", "negative"),
    ("Shopify jumped 7% Tuesday and is up 30% since January", "", "price_move", "SHOP", "positive"),
]

# (title, summary, kind that must not fire)
TRAPS = [
    ("The F-150 remains Ford's best-selling vehicle", "", "leaderboard"),
    ("Is the Switch still Japan's best-selling console?", "", "leaderboard"),
    ("Chewy slips as Wedbush upgrades rival to Outperform", "", "analyst_upgrade"),  # a rival's upgrade
    ("Nvidia bets on humanoid robots as Ark looks on", "", "fund_position"),
    ("Rules Applied To Chip Exports Tighten Next Year", "", "export_license"),  # 'Applied' alone is no company
    ("Apple's 6% drop in iPhone sales worries suppliers", "", "price_move"),  # not the share price
    ("Nvidia's 150% rally this year leaves investors wary", "", "price_move"),  # not one session
    ("Barclays takes $UBER to Underweight", "", "analyst_upgrade"),
    ("Baidu says large models will reshape search", "", "ai_model"),  # commentary
    ("Pfizer wins FDA authorization for its Covid pill", "", "export_license"),
    ("Nvidia sits a quarter below its peak", "", "price_move"),
    ("Nvidia is down 26% from its all-time high", "", "price_move"),
    ("Tesla jumps 12% this week on robotaxi hopes", "", "price_move"),
    ("Arm plunges 40% in the sell-off: is it a strong buy now?", "", "price_move"),
    ("Is it time to buy AMD?", "AMD stock is down 30% this year.", "price_move"),
    ("Is Nio Stock a Buy After Falling 30%?", "", "price_move"),  # a drop pitched as a buy
    ("Why Palantir Stock Soared 150% in 2021", "", "price_move"),  # a year's move
    ("Nike gained 65.3% in September, its best month in years", "", "price_move"),
    ("JPMorgan ups recession odds to 40%, up from 30%", "", "price_move"),
    ("Acme Stock Surges 9% After Jefferies Upgrade", "", "price_move"),
    ("Morgan Stanley says Micron stock could jump 30%", "", "price_move"),  # predicted, not made
    ("Here's why Snap shares may fall another 25%", "", "price_move"),
    ("Palantir is up 60% since its March low", "", "price_move"),
    ("Zoom Video Stock Has Lost 85% of Its Value", "", "price_move"),  # a drawdown
    ("Buybacks lifted Apple shares 40% over the past year", "", "price_move"),
    ("A deal could send Intel shares 20% higher", "", "price_move"),
    ("Ark boosts its Tesla shares holding by 10%", "", "price_move"),
    ("Intel Stock Fell 11% in the Second Quarter", "", "price_move"),  # a quarter's move
    ("Netflix price rise takes effect, basic plan up 12%", "", "price_move"),  # what customers pay
    ("Walgreens to cut up to 15% of its stores", "", "price_move"),  # a bound, not a move
    ("Delta says summer fares up 8% on strong demand", "", "price_move"),
    ("Snap shares have shed 70% of their value since the peak", "", "price_move"),
    ("Citi lowers price target on Nike to $70", "", "analyst_upgrade"),
    ("Microsoft's price target cut to $400 at UBS", "", "analyst_upgrade"),
    ("Mizuho initiates Tesla at Underperform", "", "analyst_upgrade"),
    ("Walmart raises its dividend target", "", "analyst_upgrade"),
    ("Amazon (NASDAQ:AMZN) earns Buy rating reiterated at Needham", "", "analyst_upgrade"),
    ("Apple needs a rating upgrade to rally", "", "analyst_upgrade"),
    ("Apple upgrades its Photos app with new editing tools", "", "analyst_upgrade"),
    ("Apple upgrades to a new modem supplier", "", "analyst_upgrade"),
    ("Nvidia: Buy The Dip Before Earnings (Rating Upgrade)", "", "analyst_upgrade"),  # a contributor's own rating
    ("Tesla upgrades Model Y interiors in China", "", "analyst_upgrade"),
    ("Meta upgrades Instagram for teen users", "", "analyst_upgrade"),  # its own product
    ("Google upgrades the Gemini app for paid users", "", "analyst_upgrade"),
    ("Delta upgrades its lounges at JFK", "", "analyst_upgrade"),
    ("Nvidia needs a price target hike, one bull says?", "", "analyst_upgrade"),
    ("Nike gets a price target cut, not a hike, at Citi", "", "analyst_upgrade"),
    ("Billionaires are selling Nvidia and buying an index fund", "", "fund_position"),
    ("Walmart raises its stake in a delivery partner", "", "fund_position"),
    ("Investors are buying Tesla shares ahead of earnings", "", "fund_position"),
    ("Should Berkshire buy more Apple shares?", "", "fund_position"),
    ("Prediction: Buffett's next move", "Berkshire sold Apple stock last quarter.", "fund_position"),
    ("Hedge fund managers keep buying", "They bought shares of the Invesco QQQ Trust, an index fund with Apple and Microsoft.", "fund_position"),
    ("Apple Inc. Buys Back $25 Billion of Its Shares", "", "fund_position"),  # its own shares
    ("Acme Corp Sells 5 Million Shares in a Public Offering", "", "fund_position"),
    ("Tesla Inc. Cuts Prices in China; Shares of Nio Fall", "", "fund_position"),
    ("Capital spending boosts Nvidia shares", "", "fund_position"),  # the company's shares, no stake of them
    ("Nvidia Corp has a dominant position in AI chips", "", "fund_position"),
    ("The fund holds 3% of its assets in cash", "", "fund_position"),
    ("Apple holds 20% of the smartphone market", "", "fund_position"),
    ("Grayscale Bitcoin Trust stake raised by Oak Hill Advisors", "", "fund_position"),
    ("Elliott raises its fund target, adds a Boeing veteran to its board", "", "fund_position"),  # no trade before
    ("Qualcomm signs a patent licensing deal with a phone maker", "", "export_license"),
    ("FDA approves Eli Lilly drug sales in China", "", "export_license"),
    ("Intel allowed to sell its stake in Mobileye", "", "export_license"),
    ("Apple fined over App Store rules in the EU", "", "export_license"),
    ("Pfizer gets FDA nod to sell its RSV shot in China", "", "export_license"),
    ("Tesla wins approval to sell Full Self-Driving in China", "", "export_license"),  # a product's market approval
    ("Uber gets approval to sell robotaxi rides in Saudi Arabia", "", "export_license"),
    ("Ford falls as China curbs rare earth exports", "", "export_license"),  # Beijing's controls on what it buys
    ("Beijing lifts its ban on Boeing jet deliveries", "", "export_license"),  # an import matter
    ("Chinese carriers resume Boeing deliveries", "", "export_license"),
    ("China lifts its ban on Boeing jet sales to local airlines", "", "export_license"),
    ("Washington scraps tariffs on Canadian lumber; Weyerhaeuser gains", "", "export_license"),
    ("Nvidia denies report it will ship Blackwell chips to China", "", "export_license"),
    ("AMD denies it sold accelerators to China through Malaysia", "", "export_license"),  # the company's own denial
    ("Commerce refuses to comment on Micron's China sales", "", "export_license"),
    ("Uber's London operating license revoked", "", "export_license"),  # a licence to operate, not to export
    ("New EU chip rules favour Intel", "", "export_license"),  # Europe's own rules
    ("Qualcomm's new chip rules the Android benchmarks", "", "export_license"),  # 'rules' the verb
    ("Berkshire's Apple stake tops $150 billion in value", "", "fund_position"),  # a value, no trade
    ("BlackRock's position in the ETF market rises to 35%", "", "fund_position"),
    ("Pershing Square Takes $2 Billion Stake, Sources Say", "", "fund_position"),  # an amount, no company
    ("Shares of Nvidia bought by retail traders at a record pace", "", "fund_position"),  # no holder
    ("Activist pressure builds on Nike as shares tumble", "", "fund_position"),  # the company's shares moving
    ("Intel gains as U.S. rules on chip subsidies are finalized", "", "export_license"),
    ("Apple limits iPhone sales in China to two per buyer", "", "export_license"),  # its own limit
    ("Regulators probe Nike sales to resellers", "", "export_license"),
    ("US won't let Nvidia sell its top chips to China", "", "ai_model"),
    ("Nvidia says AI demand remains strong", "", "ai_model"),
    ("Google plans to release Gemini 3 next year", "", "ai_model"),
    ("Intel unveils new laptop processors", "", "ai_model"),
    ("AMD launches new gaming processors, a boost for its PC unit", "", "ai_model"),
    ("Meta is testing its first in-house AI training chip", "", "ai_model"),  # in the making
    ("Apple is developing its own AI chips", "", "ai_model"),
    ("Nvidia delays Rubin GPUs to next year", "", "ai_model"),
    ("Nvidia overtakes Apple as largest company by market cap", "", "leaderboard"),
    ("Nvidia is among the top five S&P 500 performers", "", "leaderboard"),
    ("Walmart tops earnings estimates", "", "leaderboard"),
    ("Sony's weekly sales top $1 billion", "", "leaderboard"),  # 'top' is no rank verb here
    ("Nike stays first in Interbrand's ranking of apparel brands", "", "leaderboard"),
    ("The stock benchmark tops 6,000 as Amazon and Meta lead gains", "", "leaderboard"),  # an index's level
    ("Nvidia and Broadcom lead gainers on the chip index ranking", "", "leaderboard"),
    ("Apple takes the top spot in Fortune's most admired list", "", "leaderboard"),
    ("A chat app from a startup hits No. 1 on Apple's App Store", "", "leaderboard"),  # the store's owner
    ("A startup's drama returns to No. 1 on Nielsen's streaming ranking", "", "leaderboard"),  # the chart's owner
    ("Nvidia sweeps aside worries with record revenue", "", "leaderboard"),
    ("Ford launches a new F-150 model", "", "ai_model"),
    ("Stocks hit records on Nvidia earnings", "", "52_week_high"),
    ("Wall Street marks new highs as Tesla tumbles", "", "52_week_high"),
    ("Tesla deliveries hit a record high", "", "52_week_high"),
    ("Nvidia could hit a record high this week, analysts say", "", "52_week_high"),
    ("Meta stock is poised to set a new high", "", "52_week_high"),
    ("S&P 500 closes at a record as Apple gains", "", "52_week_high"),
    ("Tesla sets a new record for deliveries", "", "52_week_high"),
    ("Nvidia hits a 12-week high", "", "52_week_high"),  # a phrase's own number, not any number
    ("Can Oracle stock reach a new all-time high before earnings?", "", "52_week_high"),  # a question about the high
    ("Costco is within 3% of its record high", "", "52_week_high"),
    ("Netflix's subscriber count reaches an all-time high", "", "52_week_high"),
    ("Will Nvidia set a new high, or is the rally over?", "", "52_week_high"),  # a question about the high
    ("Tesla stock sets a new record for quarterly deliveries", "", "52_week_high"),
    ("Apple's cash pile hits a record $200 billion", "", "52_week_high"),
    ("Nvidia revenue reaches its highest level ever", "", "52_week_high"),
    ("Could Walmart stock reach its highest level ever this year?", "", "52_week_high"),
    ("Apple hits a record with its $110 billion buyback", "", "52_week_high"),  # the company's record, not its shares'
    ("Apple stock posts a new record year for buybacks", "", "52_week_high"),
    ("Micron (MU) Upgraded to Buy? Not So Fast", "", "analyst_upgrade"),
    ("Ford and GM debut new truck models", "", "ai_model"),
    ("Dell debuts laptops with an NPU", "", "ai_model"),
    ("Alibaba's Qwen tops a ranking of open-source models", "", "ai_model"),
    ("AI chip designer Arm soars in its market debut", "", "ai_model"),
    ("Apple and Google will introduce new AI models next year", "", "ai_model"),
    ("Nvidia's reckoning arrives as AI chip demand cools", "", "ai_model"),
    ("Intel's AI chip chief is out after two years", "", "ai_model"),  # a person leaving
    ("Kia unveils its EV9 model with a new AI voice assistant feature", "", "ai_model"),  # a car
    ("Ford launches new F-150 2.7L model", "", "ai_model"),  # an engine size, not a version
    ("Alibaba will release a new video generation model next month", "", "ai_model"),
    ("Nvidia launches an arena where video models are ranked", "", "ai_model"),
    ("Apple unveils the 2026 model of its AI-powered iPad tablet", "", "ai_model"),
    ("Micron's AI chip winter arrives as memory prices fall", "", "ai_model"),
    ("Nvidia adds a record $250 billion in value as AI chip stocks rally", "", "ai_model"),
    ("AMD gets new China AI chip restrictions", "", "ai_model"),
    ("Palantir gets a new price target as AI platform demand grows", "", "ai_model"),
    ("Google wants Gemini in every car", "Google launched the model in its app last year.", "ai_model"),  # background
    ("OpenAI's GPT-5 is here", "The startup rolled out the model to all users.", "ai_model"),  # a private lab
    # plans in an infinitive or a progressive, phones and cars with AI features, first-person commentary
    ("Baidu to release Ernie 6 in the spring", "", "ai_model"),
    ("Amazon is preparing to launch a new AI chip for training", "", "ai_model"),
    ("Google set to unveil its next video generation model", "", "ai_model"),
    ("Samsung introduces Galaxy S26 phones with new AI features", "", "ai_model"),
    ("Tesla launches a cheaper Model Y with an AI voice assistant", "", "ai_model"),
    ("Why I'm buying AMD after its new Instinct launch", "", "ai_model"),
    ("Meet Micron, the AI memory stock on a tear", "", "ai_model"),
    ("Meet Waymo's rival: Tesla's new robotaxi", "", "ai_model"),
    ("Here's what Microsoft's new AI chip means for investors", "", "ai_model"),
    ("Nvidia's AI chips are no longer available to Chinese buyers", "", "ai_model"),
    ("Google launches an arena to rank AI models at poker", "", "ai_model"),  # a ranking of models
    ("Meta will bring its Llama models to market in Europe next year", "", "ai_model"),
    ("Tesla's new Model Y arrives in Europe", "", "ai_model"),
    ("Nvidia tops charts in its first MLPerf inference round", "", "ai_model"),
    ("Super Micro braces for a new AI chip rule", "", "ai_model"),
    ("Apple ships an upgraded on-device model with iOS", "", "analyst_upgrade"),
    ("Broadcom breaks into the top 5 most valuable U.S. companies", "", "leaderboard"),
    ("Tesla ranks first as its robotaxi push picks up steam", "", "leaderboard"),  # the idiom, not the store
    ("Apple edges higher as it cracks down on app store scams", "", "leaderboard"),
    ("Granite Construction unveils a new quarry plan", "", "ai_model"),  # a company's name, not IBM's models
    ("Investors trust their instinct as AMD introduces new gaming GPUs", "", "ai_model"),
    ("Nvidia cracks the top 3 by market value", "", "leaderboard"),
    ("Apple posts its highest-grossing quarter ever", "", "leaderboard"),
    ("Nvidia passes Apple as the most valuable company", "", "leaderboard"),
    ("Microsoft's Phi model matches larger rivals on math", "", "leaderboard"),  # no benchmark named
    ("AMC Entertainment rallies as domestic box office tops $9 billion", "", "leaderboard"),  # a milestone
    ("Spotify tops 700 million users as its free app grows", "", "leaderboard"),
    ("Uber tops 10 million app downloads in Japan", "", "leaderboard"),  # a milestone
    ("Nike opens No. 2 store in Shanghai", "", "leaderboard"),  # a store, no chart
    ("Alphabet tops the highest-paid CEO list again", "", "leaderboard"),
    ("Apple keeps the No. 1 share of China's smartphone market, Counterpoint says", "", "leaderboard"),  # a market share
    ("Nvidia posts record results as data center revenue soars", "", "leaderboard"),  # no benchmark
    ("Microsoft regains the market-value crown from Apple", "", "leaderboard"),
    ("Tesla outsells BYD in Europe for the month", "", "leaderboard"),  # a sales tally, no chart
    ("Comcast ranks last in J.D. Power's customer satisfaction ranking", "", "leaderboard"),  # the bottom
    ("Nvidia surpasses Microsoft in the market capitalisation ranking", "", "leaderboard"),
    ("Robinhood tops a list of most-hated stocks among short sellers", "", "leaderboard"),
    ("Uber's No. 1 priority this year is its app redesign", "", "leaderboard"),
    ("Meta stock is No. 1 on a momentum leaderboard of megacaps", "", "leaderboard"),  # a stock ranked
    ("Palantir stock climbs to the top of the S&P 500 ranking", "", "leaderboard"),
    ("Snap's apps top 450 million daily users", "", "leaderboard"),  # milestones
    ("Robinhood app crashes as bitcoin tops $120,000", "", "leaderboard"),
    ("Spotify's app returns to the App Store after a pricing dispute", "", "leaderboard"),  # no place
    ("Apple holds the No. 1 spot in India's smartphone market, Canalys says", "", "leaderboard"),  # a market share
    ("Costco opens No. 2 warehouse in Shanghai", "", "leaderboard"),
    ("Ford posts top results in IIHS crash tests", "", "leaderboard"),  # a rating, no ranking
    ("Apple tops weekend sales of the iPhone in China", "", "leaderboard"),  # a sales tally, no chart
    ("Apple slips to No. 3 in China's phone sales, Counterpoint says", "", "leaderboard"),  # a fall
    ("Why Apple stock is the No. 1 pick of app-economy funds", "", "leaderboard"),
    ("Analysts Just Made A Sizeable Cut To Their Etsy Forecasts", "", "analyst_upgrade"),
    ("Visa's payment volume scales a record", "", "52_week_high"),
    ("Bitcoin ATH lifts Coinbase", "", "52_week_high"),  # the coin's record
    ("Apple pays $500 million to settle an iPhone slowdown suit", "", "export_license"),
    ("Nvidia to pay $5 billion for a stake in Intel", "", "export_license"),
    ("Cathie Wood says she would double down on Tesla", "", "fund_position"),
    ("Altria shares rose 9% annually over three decades", "", "price_move"),
    ("Altria stock has delivered a 9% annualized gain", "", "price_move"),
    # 52_week_high: a stock's range given as levels (automated items' boilerplate)
    ("Costco Wholesale (NASDAQ:COST) Shares Up 1.2%", "Costco has a twelve month low of $801.20 and a twelve month high of $1,078.23.", "52_week_high"),
    ("Broadcom stock opens higher", "The firm's 52-week high is $251.88 and its 52-week low is $138.10.", "52_week_high"),
    ("Home Depot stock: what the range says", "Shares have a 1-year high of $439.37 and a 1-year low of $326.31.", "52_week_high"),
    # an automated holdings headline: the summary's analyst, range and trading lines are boilerplate
    ("Geode Capital Management LLC Boosts Stake in Oracle Co. (NYSE:ORCL)", "Morgan Stanley raised their price target on Oracle from $175.00 to $210.00 in a report on Friday.", "analyst_upgrade"),
    ("Nvidia Co. (NASDAQ:NVDA) Shares Sold by Harbor Crest Advisors LLC", "Nvidia touched a new 52-week high of $212.19 on Monday.", "52_week_high"),
    ("Lakeview Wealth Partners Takes $2.1 Million Position in Tesla, Inc. (NASDAQ:TSLA)", "Tesla shares traded up 6.4% on Wednesday.", "price_move"),
    # analyst_upgrade: a bank naming another bank is no coverage of it
    ("Goldman Sachs raises its year-end S&P target, matching Morgan Stanley", "", "analyst_upgrade"),
    # price_move: a coin's move is no company's (Solana Company, Ethereum-named trusts)
    ("Ether slides 8% as ETF outflows mount", "", "price_move"),
    # 52_week_high: a high of a shorter span, and futures' records, under a company's headline
    ("Apple unveils new iPhones", "Its stock rose 2% to a new high for the month.", "52_week_high"),
    ("Intel shares have climbed 60% since January", "", "price_move"),
    ("Are Earnings Estimates Rising for Nike Ahead of the Print?", "", "analyst_upgrade"),
    # 52_week_high: a measure of the company at a record, a high given as a past level
    ("Short interest in Carvana hits an all-time high", "", "52_week_high"),
    ("Worker morale at Boeing hits a record high, union survey says", "", "52_week_high"),
    ("Nvidia's all-time high was set in June; the stock is 12% lower now", "", "52_week_high"),
    ("Amazon's market share at its highest ever in cloud", "", "52_week_high"),
    # analyst_upgrade: a product upgraded with another company's technology
    ("Samsung upgrades Bixby with Google's Gemini", "", "analyst_upgrade"),
    ("Analyst upgrades and downgrades: Visa, Target, Intel", "", "analyst_upgrade"),  # a roundup of calls
    ("Amazon upgraded Alexa using Anthropic's Claude", "", "analyst_upgrade"),
    # price_move: a level reached, and a move over a week
    ("UnitedHealth's medical loss ratio climbs to 89.8%", "", "price_move"),
    # a trading-day headline with a stock tag line: the summary's analyst lines recap older notes
    ("Adobe Inc. (NASDAQ:ADBE) Shares Down 1.1% - Here's Why", "Several analysts recently weighed in on ADBE. Citigroup raised their price target on Adobe from $450.00 to $480.00 in a report on Monday.", "analyst_upgrade"),
    # 52_week_high: a fall measured since the record
    ("Zoom stock: what went wrong?", "Since its all-time high in 2020, Zoom shares have lost 85%.", "52_week_high"),
    ("Bank of America posts higher profit", "Bank shares fell 6% across Europe on Tuesday.", "price_move"),  # an ordinary word
    ("Nvidia shares gained 9% in the week after earnings", "", "price_move"),
    ("Nike says it could see estimates rise next year", "", "analyst_upgrade"),
    ("Nvidia earnings loom", "Stock futures hit a record high overnight.", "52_week_high"),
    ("Micron beats estimates", "Shares of rival memory makers rose to a record.", "52_week_high"),
    ("Dogecoin jumps 15% on payments hopes", "", "price_move"),
]


@pytest.mark.parametrize(("title", "summary", "kind", "ticker", "direction"), POSITIVES)
def test_fires(engine: RuleEngine, title: str, summary: str, kind: str, ticker: str, direction: str) -> None:
    assert (kind, ticker, direction) in catalysts(engine, title, summary)


@pytest.mark.parametrize(("title", "summary", "kind"), TRAPS)
def test_does_not_fire(engine: RuleEngine, title: str, summary: str, kind: str) -> None:
    assert kind not in {k for k, _, _ in catalysts(engine, title, summary)}


def test_a_move_in_a_clause_after_a_broker_goes_to_the_headline_company(engine: RuleEngine) -> None:
    pairs = catalysts(engine, "Tesla upgraded at Morgan Stanley, stock surges 7%")
    assert {(k, t) for k, t, _ in pairs} == {("analyst_upgrade", "TSLA"), ("price_move", "TSLA")}


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Synopsys and Cadence rise as Intel slumps 9%", {("price_move", "INTC", "negative")}),
        ("Qualcomm edges up while Broadcom jumps 7%", {("price_move", "AVGO", "positive")}),
        # the number before the other company, or the company the rule names after its anchor
        ("Nike climbs 6% after Foot Locker beats", {("price_move", "NKE", "positive")}),
        ("Copper's rally lifts Freeport-McMoRan shares 8%", {("price_move", "FCX", "positive")}),
    ],
)
def test_a_number_after_another_company_is_that_companys_move(engine: RuleEngine, title: str, expected) -> None:
    assert {c for c in catalysts(engine, title, "") if c[0] == "price_move"} == expected


def test_the_company_a_sender_ships_to_is_not_the_subject(engine: RuleEngine) -> None:
    title = "US probes whether Nvidia sent chips to China's Alibaba without the required export licences"
    assert catalysts(engine, title) == {("export_license", "NVDA", "negative")}
    # named alone, the company shipped to is the one the curb hits
    assert catalysts(engine, "US restricts chip sales to China's SMIC") == {("export_license", "SMICY", "negative")}
    # the next clause's company is not the licensee
    title = "US grants Samsung licences for its China chip plants; Micron shares rise"
    assert catalysts(engine, title) == {("export_license", "SSNLF", "positive")}


def test_severity_tells_a_big_holder_from_a_small_adviser(engine: RuleEngine) -> None:
    def severity(title: str) -> str:
        (found,) = engine.detect(NewsItem(id="t", title=title, summary=""))
        return found.severity

    assert severity("Berkshire Hathaway buys more Apple shares") == "high"
    assert severity("Oak Ridge Wealth Management sells 1,200 shares of Nike Inc $NKE") == "low"


def test_a_summary_restating_the_headline_move_adds_no_catalyst_of_its_own(engine: RuleEngine) -> None:
    title = "Intel soars 12% on a foundry deal"
    summary = "Nvidia investors cheered as shares climbed 12% in New York."
    assert catalysts(engine, title, summary) == {("price_move", "INTC", "positive")}
    restated_daily = "Shares rose 9% in New York, the best day since 2020."
    assert catalysts(engine, "Nike jumps 9% after a strong quarter", restated_daily) == {
        ("price_move", "NKE", "positive")
    }


def test_a_summary_showing_the_headline_move_spans_months_withdraws_it(engine: RuleEngine) -> None:
    summary = "Shares have gained 140% over the past year as AI demand grew."
    assert catalysts(engine, "Datadog Stock Soars 140%", summary) == set()
    assert catalysts(engine, "Datadog Stock Soars 14%", summary) == {("price_move", "DDOG", "positive")}


def test_a_summary_entry_headed_by_a_company_is_that_companys_move(engine: RuleEngine) -> None:
    title = "Stocks making the biggest moves premarket: Nike, FedEx, Micron and more"
    summary = "Nike - Shares of the sneaker maker slid 7% after it cut its outlook. FedEx: The stock rose 6%."
    assert {c for c in catalysts(engine, title, summary) if c[0] == "price_move"} == {
        ("price_move", "NKE", "negative"),
        ("price_move", "FDX", "positive"),
    }
    # a bare noun after no company still means the one the headline names
    assert catalysts(engine, "Nike beats on margins", "Shares rose 7% before the bell.") == {
        ("price_move", "NKE", "positive")
    }


def test_a_comma_before_a_legal_form_is_no_clause_break(engine: RuleEngine) -> None:
    assert ("analyst_upgrade", "AAPL", "positive") in catalysts(engine, "Mizuho raises Apple, Inc. price target to $250")
    assert catalysts(engine, "Apple raises prices, Mizuho trims its price target") == set()


def test_a_headline_sentence_naming_no_company_is_about_the_one_the_headline_names(engine: RuleEngine) -> None:
    title = "Micron Stock Rises. Washington Grants a Licence to Ship Memory Chips to China."
    assert catalysts(engine, title) == {("export_license", "MU", "positive")}
    # two companies in the headline: no telling whose licence it is
    assert catalysts(engine, "Micron and Intel Stocks Rise. Washington Grants a Licence to Ship Chips to China.") == set()
    # only the headline's own sentences: a summary sentence naming nobody stays unlinked
    assert catalysts(engine, "Micron Stock Rises", "Washington granted a licence to ship chips to China.") == set()


def test_a_holder_named_with_its_possessive_is_no_company_covered(engine: RuleEngine) -> None:
    found = catalysts(engine, "Warren Buffett trims half of Berkshire Hathaway's stake in Chevron")
    assert {(k, t) for k, t, _ in found if k == "fund_position"} == {("fund_position", "CVX")}


@pytest.mark.parametrize(
    ("title", "ticker"),
    [
        # the chart's owner is not the ranked product's company
        ("Duolingo is Apple's most downloaded education app of the year", "DUOL"),
        ("Tencent's Yuanbao assistant is the No. 1 free app on China's App Store", "TCEHY"),  # not Yuanbao Inc.
        ("Nvidia's RTX 5080 takes the top spot in Geekbench's OpenCL chart", "NVDA"),  # not RTX Corp.
        # its own chart, when the sentence names no one else
        ("'Squid Game' finale tops Netflix's Top 10 again", "NFLX"),
    ],
)
def test_a_leaderboard_goes_to_the_products_owner_not_the_charts(engine: RuleEngine, title: str, ticker: str) -> None:
    assert {(k, t) for k, t, _ in catalysts(engine, title)} == {("leaderboard", ticker)}


def test_a_charts_owner_alone_in_a_summary_sentence_is_not_the_subject_when_the_headline_names_another(engine: RuleEngine) -> None:
    title = "Trip.com app ranks No. 1 in travel over Golden Week"
    summary = "Its app led Apple's China travel chart for five days."
    assert {(k, t) for k, t, _ in catalysts(engine, title, summary)} == {("leaderboard", "TCOM")}


@pytest.mark.parametrize(
    ("title", "ticker"),
    [
        # a game, device or studio named instead of its maker
        ("'NBA 2K25' leads Circana's October software chart", "TTWO"),
        ("'Call of Duty: Black Ops 6' tops Circana's November sales chart", "MSFT"),
        ("Pixar's 'Inside Out 2' opens at No. 1 with $155 million", "DIS"),
    ],
)
def test_a_product_named_without_its_maker_ranks_for_the_maker(engine: RuleEngine, title: str, ticker: str) -> None:
    assert {(k, t) for k, t, _ in catalysts(engine, title)} == {("leaderboard", ticker)}


def test_a_headline_naming_only_a_title_ranks_for_the_maker_its_summary_names(engine: RuleEngine) -> None:
    found = catalysts(engine, "'Elio' rules the box office with a $90 million debut", "The Pixar film gave Disney its best June.")
    assert {(k, t) for k, t, _ in found} == {("leaderboard", "DIS")}
    found = catalysts(engine, "'Venom 3' takes No. 1 at the weekend box office", "The sequel, distributed by Sony, beat projections.")
    assert {(k, t) for k, t, _ in found} == {("leaderboard", "SONY")}
    # the studio is Universal; the leaf-tobacco company is Universal Corp
    assert catalysts(engine, "Universal Corp shares jump 7% on leaf demand") == {("price_move", "UVV", "positive")}
