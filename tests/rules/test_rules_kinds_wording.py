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
    # price_move: shorthand, negative moves negative, summaries about the headline's company
    ("Nvidia Up 16% After Blowout Guidance", "", "price_move", "NVDA", "positive"),
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
    # export_license: a payment over unlicensed shipments
    ("Seagate to pay $300 million for selling drives to Huawei without a licence", "", "export_license", "STX", "negative"),
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
]

# (title, summary, kind that must not fire)
TRAPS = [
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
    ("US grants Samsung licences for its China chip plants; Micron shares rise", "", "export_license"),  # the next clause's company
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
    ("Ford's F-150 remains America's best-selling truck", "", "leaderboard"),  # a sales tally, no chart
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
