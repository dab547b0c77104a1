"""The concept rules of grading.yaml over concepts.yaml (issue 13): what makes a level-1 case,
written as concepts combined, and the look-alikes that do not. The texts are written for these
tests in the ways the issue's probes describe (vehicles, appliances, food, services, regulators in
many phrasings and all three scripts); none is taken from an evaluation set."""

import pytest

from policies.concepts import ConceptLexicon
from policies.grading import Grader
from policies.loader import PolicyError, load_policy
from tests.policy_copy import copy_policies, copy_policies_editing

POLICY = load_policy()
GRADER = Grader.from_policy(POLICY)
RULES_OF_LEVEL_1 = {"R-GRADE-1a", "R-GRADE-1b", "R-GRADE-1c"}

LEVEL_1 = [
    # stop 33 (eval/probes-102..104's kinds, in other words): hair out in handfuls, lips twice their
    # size, a baby bringing up every feed, a night glued to the bathroom, a sliver that drew blood, a
    # tap that sent a buzz up an arm, a blue flash and a tripped breaker, fat hissing cells, the
    # product safety commission's website, a steering wheel gone 死沉, a wheel that came off, brakes
    # that "突然没了", a coaster that stopped upside down, tourists locked in a shop, a guide's threat,
    # a driver phoning while overtaking on a mountain road, a charcoal brazier's fumes, the tourism
    # hotline, a collarbone broken on a ski slope
    "after two washes my hair was coming out in handfuls",
    "woke up with my lips twice their normal size after the serum",
    "the baby brought up every single feed after we switched to this formula",
    "ate the fruit and spent the night glued to the bathroom, called the nurse line",
    "bit down on a metal sliver in the crackers and it drew blood from my gum",
    "touching the tap while the tankless heater runs sends a buzz up my arm",
    "blue flash at the socket when I plugged in the power brick and the breaker tripped",
    "the laptop's battery cells are fat and hissing",
    "I submitted a report to the Consumer Product Safety Commission about the cable",
    "高速上方向盘一下子变得死沉，差点冲出去",
    "换完胎开车出去不到两公里，前轮整个脱落",
    "电动车刹车突然没了，冲进了绿化带",
    "过山车停在最高处，我们倒挂了二十分钟，旁边的人惊恐发作",
    "导游把我们关在玉石店里，说不买够三千谁也别想出去",
    "导游拍桌子说不买就让你们好看",
    "包车师傅在山路上一边打电话一边超车",
    "民宿给的炭盆烧了一夜，早上头痛欲裂想吐",
    "我已经打了全国旅游服务热线投诉",
    "滑雪场的坑没有围起来，我摔下去锁骨断了",
    # stop 33 (eval/probes-101's kinds, in other words, each buried in a longer text): a courier who
    # would "come back and break my face", formaldehyde at "more than double the limit", steering that
    # "suddenly locked" in a junction, 甲醛超过国家标准两倍
    "The parcels came late again and when I said I'd report it the courier said he'd come back "
    "and break my face",
    "We had the air tested and formaldehyde was more than double the limit in the nursery",
    "Turning at the junction the steering suddenly locked and I could barely turn the wheel",
    "衣柜味道一直很大，检测报告显示甲醛超过国家标准两倍",
    # stop 33 (eval/probes-100's kinds, in other words): debt collectors' threats against a child or
    # parents, "you won't be walking right", a gun at a repossession, a TV consumer segment, a
    # decision to call 12378 tomorrow
    "催收发短信说再不还钱就让你儿子受点伤",
    "催收说要找人去你老家把你爸妈的腿打断",
    "The collector said they would hurt your kids if I didn't pay",
    "He said I wouldn't be walking right after his guys came round",
    "The repo agent pulled a gun on me in my driveway",
    "I contacted the consumer help segment on the local news about the unpaid claim",
    "保险公司少退了钱，我明天就去打12378投诉",
    # stop 33 (eval/probes-96..98's kinds, in other words): the Executive Yuan's consumer dispute
    # form, the Tourism Administration, a video sent to the United Daily News, a rice cooker's plug
    # that flashed and blackened the socket (Cantonese), the national consumer complaint platform, a
    # phone battery that swelled until the screen bowed, an ear infection from earbud tips, a power
    # bank that bulged while charging, a speaker grille leaking current, a fish hook caught on a gum,
    # a second-degree burn from spilled coffee, a blade in the coleslaw
    "我已經上行政院的消費爭議線上申訴填了單",
    "訂房被弄丟，我已經打給觀光署申訴",
    "我把影片傳給《聯合報》了，他們說會查",
    "個電飯煲插頭啪一聲閃咗下，插蘇黑晒",
    "我已经在国家的消费投诉平台上提交了投诉",
    "The battery had swollen so much the screen was bowing out of the frame",
    "These earbud tips gave me an ear infection in my left ear",
    "充电宝充电的时候鼓包了还发出嘶嘶声",
    "Touching the speaker's metal grille gave me a distinct tingle, there's current leaking",
    "a fish hook was in the fillet and caught on my gum",
    "The attendant spilled hot coffee on my hand, a second-degree burn",
    "there was a piece of a blade in my coleslaw",
    # stop 33 (eval/probes-93..95's kinds, in other words): a slip on a wet bathroom floor, a child's
    # back red and blistered by the shower, a socket that left an arm aching and numb, a fire exit
    # "你们看不到吗", mould with a blocked nose, a rider's messages and waiting downstairs, three
    # guests taking turns for the toilet, a kettle base that prickles, a night manager who let
    # himself in, NHTSA's "independently accelerated", brakes gone soft on a descent, owners who
    # complain together (R-GRADE-1b in one message)
    "我爸洗完澡脚底一滑，一屁股坐在地上，现在还直不起腰",
    "淋浴突然变得滚烫，孩子背上红了一大片，起了好几个泡",
    "插座面板松了，插充电器的时候胳膊一阵酸麻",
    "安全出口被锁上了，这么大的安全隐患你们看不到吗？",
    "房间墙上一片片霉斑，住了两晚一直咳嗽鼻子堵",
    "外卖骑手非要加我微信，还一直发暧昧短信说在我楼下等我",
    "吃完酒店早餐，我们三个人下午轮流找厕所",
    "房间的电热水壶底座摸起来刺刺麻麻的",
    "The night manager opened the door with his key while I was asleep",
    "WHILE DRIVING AT 50 MPH THE VEHICLE INDEPENDENTLY ACCELERATED",
    "下坡的时候刹车突然变得很软，几乎踩到底才停住",
    "我们几十位车主已经集体维权，同一个变速箱问题",
    "Forty of us sent a joint complaint about the same faulty heaters",
    # stop 33 (eval/probes-90..92's kinds, in other words): a ride-hailing driver racing through red
    # lights or at the wheel with a video on, a driver's threat to beat a passenger, an earbud case
    # that smoked, a gate agent's finger jabbed into a chest, an email thread sent to a tech writer,
    # a charger's pins gone soft and brown, a phone's back cover bulging, the Oriental Daily, a state
    # representative's office, the city's 311 line, sudden acceleration out of control, a cart that
    # hit a knee
    "@Lyft my driver ran two red lights and was weaving through traffic the whole way, I was terrified",
    "@Uber the driver was watching youtube while driving on the motorway at night",
    "滴滴司机一路狂飙，连闯两个红灯，我让他慢点他还骂人",
    "@lyft the driver said he'd beat my ass if I complained",
    "my earbuds case started smoking on the desk and left a burn mark",
    "the check-in agent jabbed his finger into my chest and shouted at me",
    "I've forwarded the whole email thread to a tech writer who covers these warranty games",
    "充电头拔下来插脚都是软的，外壳变成了褐色",
    "手机背盖整个膨起来了，屏幕被推开一条缝",
    "再唔退款我就將成件事爆畀東方日報",
    "I've emailed my state representative's office about the outage",
    "Called the city's 311 line about the landlord's broken heating",
    "急加速失控，差点撞到人",
    "during the turbulence the unsecured cart hit my knee",
    # stop 33 (eval/probes-86..88's kinds, in other words): glass grit found at the bottom of a
    # yoghurt, a tablet's back that bulged, a water heater's puff of black smoke, photos sent to a TV
    # station's help desk, stitches after a slip in a Cantonese shower, formaldehyde four times the
    # standard with a child's dry cough, a curling tong's red mark and blisters, a driver's "信不信我弄你",
    # a camping stove you could hear hissing gas, a deodoriser spray that left throats like knives,
    # a bottle warmer gone black and soft, a video sent to the district health inspectorate
    "牛奶喝到最后嘴里有硌的东西，倒出来是碎玻璃",
    "平板充了一晚，后盖鼓起来了，屏幕都被撑翘了",
    "热水器一开就冒出一股黑烟，一股塑料烧焦的味",
    "已经把视频发给了市电视台的帮忙栏目",
    "喺浴室跌亲撞到頭，縫咗三針",
    "检测甲醛0.25，国标0.08，超了三倍，孩子天天干咳",
    "直发夹的夹板松了贴到我脖子上，一条红印，晚上起了水泡",
    "网约车司机停在路边回头说信不信我弄你",
    "You could hear the gas hissing from the stove's valve and the smell of gas filled the tent",
    "喷了几下除臭喷雾，屋里闻了一晚上，早上起来嗓子像刀割",
    "The bottle warmer's base went black and soft next to the switch",
    "我把照片发给区卫生监督所了，后厨有老鼠",
    # stop 33 (eval/probes-84..85's kinds, in other words): Nigerian "dey purge" after a meal, Kenya's
    # bureau of standards, a jelly stuck in a child's throat in Cantonese, a car that lunged forward
    # with the brake held, phantom braking on adaptive cruise, limp mode at highway speed, a throttle
    # that sticks, a door that broke fingers
    "Since we chop the suya from una shop my brother dey purge non-stop, we went clinic",
    "I have reported your shop to KEBS, the gas cylinder leaks and we all had headaches",
    "個仔食果凍鲠親，黐喺喉嚨，要拍背先吐得返出嚟",
    "在路口等红灯脚踩着刹车，车子自己往前一窜撞到了前车",
    "開定速巡航的時候車子突然自己重踩煞車，後面的車差點撞上來",
    "Doing 65 on the freeway and the truck dropped into limp mode with traffic behind me",
    "The throttle sticks on this e-bike and the brakes couldn't hold it on the hill",
    "The shop's door slammed shut on my hand and broke two of my fingers",
    # stop 33 (eval/probes-81..83's kinds, in other words): a night of not keeping anything down,
    # rows of red bumps from a hotel bed, a face red and hot then peeling in patches, gums coming
    # away after whitening, a knee swollen like a golf ball after a lift dropped, over the handlebars,
    # toenails torn off, a light switch that threw someone back, a swallowed mouthful of weedkiller on
    # a drip, a Yellow Card form, a plug gone soft with a hot-plastic stink, papers handed in at the
    # education bureau, a masseur's hands, a bottle smashed on the head, a child who swallowed two
    # magnet beads, a screen that stung within a minute
    "my daughter had the chicken wrap and couldn't keep anything down all night",
    "住了一晚，早上起来腰上全是一排一排的红包，床单下面还有小虫",
    "洗完这个洁面脸又红又烫，隔天下巴一块一块脱皮",
    "After the whitening session my gums went white and were coming away in shreds",
    "The lift dropped a floor and stopped dead; my mum was thrown against the wall, "
    "her elbow came up like a golf ball",
    "The e-scooter's brake locked and I went over the handlebars, lost a front tooth",
    "The delivery men dropped the fridge on my foot and two toenails came off",
    "The bathroom light switch threw me back against the door when I touched it",
    "He took a mouthful from the unlabelled bottle your staff filled and spent the night on a drip",
    "Reported the capsules through the Yellow Card scheme after my heart raced all night; "
    "I filled in the form with the batch code",
    "The extension lead's plug went soft and the hallway stank of hot plastic",
    "我们三十多个家长今天去区教育局递了材料，机构卷钱跑了",
    "按摩师趁我趴着一直往大腿内侧摸，我让他停他还笑",
    "教练嫌我学得慢，拿水瓶往我头上砸",
    "孩子吞了两颗磁力珠，医生说要开刀取出",
    "这个手机屏幕看了两分钟不到眼睛就很刺痛",
    # stop 32 (eval/probes-80's kinds, in other words): boiling water over a hand, a descaler's fumes
    # and an inhaler, a TV consumer programme on the telly, scorch marks and rings, sparks that mark a
    # carpet, a power bank swollen like bread
    "水壶把手一歪，整壶开水全泼在我手背上，起了好几个水泡",
    "Used the limescale remover in the bathroom and my chest went tight, I had to use my inhaler twice",
    "I've sent the whole story to the consumer programme on the telly and they want to come and film it",
    "The cat's heat pad had gone bubbly and the fleece was scorched brown",
    "There was a brown ring scorched into the oak worktop under the air fryer",
    "小太阳出风口往外蹦火星，在地毯上烫出一个黑点",
    "行動電源放在包包裡，整顆膨得像麵包一樣，外殼都裂開了",
    # stop 32 (eval/probes-77's kinds, in other words): a hood that flew open at speed, steering gone
    # heavy into a guardrail, power cut on a freeway, a seat back that gave way at takeoff, a puffed
    # power bank
    "WHILE DRIVING AT 65 MPH THE HOOD SUDDENLY FLEW OPEN, BLOCKING MY VIEW OF THE ROAD",
    "时速六十过弯，方向盘突然变得死沉，没了助力，车头蹭上了护栏",
    "國道上時速九十，儀表板突然全黑，動力瞬間中斷，煞車都變得很重",
    "My seat back gave way during takeoff and I fell backward; my back has been in spasm since",
    "After the third charge the power bank puffed up so much the case split along the seam",
    # stop 32 (eval/probes-78's kinds, in other words): a care regulator's concerns form, a state
    # transport department's portal, a macaw's bite, a Cantonese taxi whose brakes would not stop it,
    # Hong Kong's 1823 line
    "I've filled in the concerns form on the CQC website about Dad's care home",
    "I put in a grievance on the state transport department's portal with his plate number",
    "The macaw clamped onto her finger and went straight through the nail, blood all down her dress",
    "的士落斜剎唔停，撞咗落前面架貨車，我額頭爆咗個口要縫五針",
    "綠van成日唔停站，我已經打咗1823投訴",
    # stop 32 (eval/probes-75's kinds, in other words: harm a keyword list would miss): a welt from a
    # whipping hose, a Cantonese fall off a bus and a cracked pelvis, magnets in a toddler's gut, an
    # exposure page, a TV consumer show, an aviation consumer office, a baby's vomiting on new formula,
    # a jolt from a slow cooker's rim, a scorch patch under a blanket, ceramic spat out of ramen
    "The hose let go and whipped across my shin, a massive purple welt the size of a fist",
    "阿媽未落車司機已經開車，佢成個人跌咗落馬路，醫生話盤骨有裂紋",
    "The X-ray showed two magnets stuck together in his gut and he stayed in overnight",
    "I sent the whole timeline to that Instagram page with 300k followers that names and shames builders",
    "我已经联系了本地那档帮老百姓维权的民生节目，编导说下周带摄像过来",
    "I've filed a complaint with the federal transportation department's aviation consumer office",
    "Since the new can of formula our baby has thrown up after every bottle, "
    "the doctor gave us rehydration solution",
    "I got a pins-and-needles jolt up my arm from the metal rim of the slow cooker",
    "Woke up to a brown, crispy scorch patch on the sheet where the blanket's wiring runs",
    "Bit on something hard in the ramen, spat it out, a triangle of white ceramic "
    "that cracked the corner off my molar",
    # stop 32 (eval/probes-76's kinds, in other words): a driver's threat to drag the passenger out and
    # beat him, a newspaper's reporter now asking, a hazard asserted by a rhetorical question
    "司機一路罵，還說再囉嗦就把我拖下車揍你一頓，我趕快下車了",
    "A reporter from the Irish Times is now asking about the fee you charged me",
    "取暖器倒了也不断电，这不是安全隐患是什么？",
    # stop 32 (eval/probes-74's kinds, in other words: harm told in passing in long reviews): wire baked
    # into a biscuit, a sliver of glass in rice, a charger's scorch mark, a row of red bites
    "Halfway through a shortbread biscuit he bit down on a thin piece of metal wire baked right into it",
    "There was a sharp sliver of clear glass mixed in with the grains of the rice",
    "The charger got so hot it scorched a brown mark into the desk",
    "酒店住了两晚，早上起来胳膊上起了一排红包，痒得睡不着",
    # stop 32 (eval/probes-71 and -72's kinds, in other words): a government service hotline, a fall on
    # wet tiles, a threat to break a jaw, a tingle up to the elbow, a baby under the bath water, broken
    # fingers, a dog bite and a tetanus jab, an aviation authority; Cantonese, Singlish, Malaysian,
    # Nigerian and Kenyan wordings of harassment, shocks, threats, regulators and media
    "健身房跑路了，我已经打了市里的政务服务热线投诉，登记了工单",
    "My nan went down on the wet tiles by the toilets, the X-ray showed a cracked pelvis",
    "The manager got in my face and said he'd break my jaw if I kept talking",
    "The dryer in the flat gives a tingle that runs right up to your elbow when you touch it",
    "The bath seat tipped and our baby slid under the water, coughing and spluttering",
    "Your movers dropped the piano, two fingers broken and the bandage soaked through",
    "A dog at your daycare bit me on the hand, I needed a tetanus jab and antibiotics",
    "I've sent the whole file to the civil aviation authority about the delay",
    "司机一路问我住边，落车仲捉住我只手，话要加钱先放人",
    "Eh the stall got cockroach everywhere, I already reported to NEA and SFA liao",
    "The water heater can give current one, I touch the tap and kena shocked",
    "Driver say if I give 1 star he know where I stay and will come and whack me",
    "Telco overcharged me, I sent everything to Mothership and IMDA already",
    "Listing say certified but no label, already lodge complaint with KPDN",
    "Expiry date don pass, I don report am to NAFDAC already",
    "I lodged a complaint with the Central Bank of Kenya about the fees",
    # stop 32 (eval/probes-70's kinds, in other words): a radio phone-in, a taxi driver's raised fist,
    # a ceiling on a tenant, a physiotherapist's neck crack, a mover's dropped wardrobe, a cracked tooth
    "I've been on to the radio phone-in about the funeral bill and they're calling me back",
    "司机落车指住我话再讲多句我打X你，仲扬起个拳头",
    "The ceiling came down on me in bed, I've a cut on my forearm from the plasterboard",
    "理疗师给我扳完脖子手就麻了，医生说神经受压，现在要戴颈托",
    "Your mover dropped the wardrobe on my foot, broken big toe and I'm in a surgical shoe",
    "Bit into the cottage pie and cracked one of my back teeth on a sliver of metal",
    # stop 32 (eval/fresh-level1-3's kinds, in other words): lice bites in a room, a screw 'free' in
    # an ice cream, a hazard said to be ignored
    "酒店房间有虱咬，晚上根本睡不好",
    "买的雪糕里面还送螺丝，太吓人了",
    "接驳车严重超载，司机完全不考虑安全隐患",
    # stop 32 (eval/probes-66..68's kinds, in other words): government offices told by what they are in
    # charge of (管…的那个科室), a federal agency described, a wire coughed up, a dislocated elbow, a bus's
    # harsh braking, a collector's veiled threat, a drunk guard's shove, a baby silent and red in the face
    "我已经打了区里管校外培训的那个科室的电话，反映退费的事",
    "视频已经发给市场那边管食品卫生的工作人员了",
    "明天就去区里管房屋租赁的那个窗口当面投诉押金的事",
    "I filed a complaint with the federal consumer finance agency this morning",
    "Raised a grievance on the civil aviation ministry's portal about my refund",
    "吃外卖的时候咳出来一根细钢丝，喉咙到现在还疼",
    "老师拽了孩子一下，医生说是肘关节脱位",
    "巴士一个急煞，我成个人飞咗去前面，膝头撞到瘀晒",
    "The collector said I'd end up hurt if I didn't pay by Friday",
    "保安喝了酒，还拉她胳膊，我去理论他还推我",
    "宝宝啃着牙胶突然不出声了，小脸憋得通红，拍背才拍出来一颗珠子",
    "小珠子一拽就掉，孩子什么都往嘴里塞，这是很大的安全隐患，你们都不做检测的吗",
    # stop 31 (eval/probes-65's kinds, in other words): regulators described (the licensing office,
    # 管产品质量的那个局, 市长信箱), a blister from a curling wand, a sling after a falling bag, a tetanus
    # shot, a treadmill that threw a runner (蹭破了), a microwave that gave off blue smoke, LBM
    "Filed a complaint with the state licensing office about your contractor",
    "证据已经发给管产品质量的那个局了",
    "物业乱涨价的事我已经给市长信箱写了信",
    "卷发棒握把软掉了，食指被烫出一颗水泡",
    "A bag fell out of the overhead bin onto my dad, he's in a sling now",
    "Needed a tetanus shot after a screw in your bed frame opened up my shin",
    "跑步机突然加速，我被甩下来，膝盖都蹭破了",
    "微波炉里噼里啪啦闪蓝光，后面冒出一股青烟",
    "half the guests had LBM after your catering, lola was admitted overnight",
    # stop 31 (eval/probes-63/64's kinds, in other words): regulators by description, a racing heart
    # kept overnight, a pan that went soft and smelt of burnt tyre, a head knocked on the tiles, a
    # toy's eye in a toddler's mouth, "a current" from a grinder, a power bank puffed into a bun, a
    # collector who knows where the customer works, a little zap
    "视频已经发给管食品卫生的部门了，等他们来查",
    "我已经去管市场的那个局登记了",
    "I've emailed the photos to the council's food hygiene team",
    "the pharmacist said it was fine, then my heart was racing and I was kept overnight on a monitor",
    "the air fryer's lid went soft and drippy and the kitchen smelt like burnt tyre",
    "洗澡椅腿断了，我爸后脑勺直接磕在瓷砖上，起了个包",
    "小鸭子的眼睛掉了，发现时已经在她嘴里含着，抠了半天才抠出来",
    "the grinder gave my mother a current when she touched the body",
    "充电宝鼓成个小馒头，壳子撑开一条缝",
    "The collector said he knew where I work and that I should be careful",
    "Every time I touched the laptop on your charger I got a little zap",
    # stop 31 (eval/probes-61/62's kinds, in other words): weights and measures, a provincial
    # authority, 民政局 and 农业农村局, an ear canal rubbed raw, a therapist's hand under clothes, a desk
    # clerk who kept messaging, a forehead split open, red bumps all over after a night in a bed
    "Sent the whole file to the county Division of Weights and Measures today.",
    "I have filed a complaint with the Bereavement Authority about how you handled my father's ashes",
    "收费的事我已经写了材料反映给区民政局",
    "检测报告已经交到县农业农村局执法大队了",
    "助听器的耳模太紧，耳道磨破了，医生说是外耳道炎",
    "按摩的时候技师的手往我内衣里伸，我当场走了",
    "前台的男员工拿了我的电话号码，之后半夜打来问我是不是一个人住",
    "the bus braked hard and my daughter split her forehead on the rail",
    "在你们酒店睡了一晚，身上起了好多红包，痒得睡不着",
    # stop 31 (eval/probes-58's kinds, in other words): a gearbox that dropped to N on the motorway,
    # brakes going soft, a tingle from a charging cable, a connector that melted, an airbag's burn,
    # the CAAC's 12326 line
    "开着开着变速箱突然跳N挡，后车差点追上来",
    "刹车踏板越来越软，要踩到底才有制动",
    "I feel a tingle every time I touch the laptop while it's charging",
    "充电线接头直接熔掉了，塑料都粘在手机上",
    "The airbag went off by itself and burned the inside of my arm",
    "航班延误一天没人管，已经打了12326投诉",
    # stop 31 (eval/probes-56/57's kinds, in other words): Hong Kong's 尿袋 that swelled, a child's
    # bump (撞亲, 肿咗一嚿), diarrhoea all night, OFCA and Taiwan's 公路局, a neck brace after a crash,
    # a bump on the head, a staple spat out, a plug that melted
    "部尿袋充充下胀晒，个壳都爆开咗",
    "个仔喺餐椅跌咗落地撞亲个头，肿咗一嚿",
    "叫咗个外卖，食完成晚屙",
    "已经写咗信去通讯办投诉你哋",
    "司機開車一直打瞌睡，我已經向公路局申訴了",
    "the cab crashed and I'm in a neck brace now",
    "your delivery guy knocked my son off his bike, he has a bump on his head",
    "found a staple in my burger, my son spat it out",
    "充电器插头那头化了，塑料都软塌变形了",
    # stop 31 (tuning4's chair and mat kinds, in other words): a bump on the back of the head, a
    # sore tailbone after a fall, a mat that stinks like burning tyres and a sore throat
    "办公椅突然塌了，我后脑撞到墙上肿了一个大包",
    "凳子腿断了，我摔在地上，尾椎疼了好几天",
    "The foam roller stinks like burning tyres and my throat got sore after one session",
    # stop 31 (eval/probes-54's kinds, in other words): a wheel that came off on the motorway, bleach
    # fumes with a tight chest, a threat to stab, a bleeding leg, a torn ligament, a veiled threat,
    # Australia's AFCA, and (the group sets' kinds) off-gassing with a migraine, a tingle in the
    # water, a burn the size of a coin, a child who vomited all morning after drinking
    "The garage didn't torque the nuts and the front wheel came off on the motorway",
    "The flat stank of bleach, my eyes were streaming and my chest was tight all evening",
    "送水师傅嫌我给差评，在门口说信不信我捅你",
    "扶梯把我妈的腿夹住，小腿刮得全是血",
    "Your rental bike's brake failed on the hill and I tore a ligament in my knee",
    "The driver said he knows my street and to be careful ha",
    "Lodging with AFCA today about the claim you denied",
    "The new rug off-gasses so badly I woke up with a migraine",
    "Felt a tingle in the water when I reached into the fish tank with the new heater",
    "My heated insoles left a burn the size of a coin on my heel",
    "喝了你们的豆奶，孩子吐了一上午",
    # stop 31 (eval/probes-53's kinds, in other words): regulators of other domains and countries,
    # reporting verbs, a shock from a tap, a child grabbed by staff, a driver who would not unlock,
    # a cold from a freezing room that needed a drip, an airbag's bloody nose
    "I have lodged a complaint with the Ministry of Tourism about your rental agency.",
    "Already reported your app's data breach to the Information Commissioner.",
    "Filed it with the national consumer helpline this morning, ticket number attached.",
    "我已经向县府的消保官通报了这家月子中心",
    "這間寵物美容亂剪傷到狗，我已經向動保處檢舉",
    "The shower gave my daughter a shock from the tap this morning",
    "The coach grabbed and shook my son during practice.",
    "The driver refused to unlock the door until I gave him my number",
    "客房空调坏了一整晚，我和孩子都冻感冒了，第二天去医院打点滴",
    "The airbag blew without any crash and gave my husband a bloody nose.",
    # stop 30 (eval/probes-46's kinds, in other words): glass in a dip, wire in cereal, a reek of
    # chemicals with burning eyes, exposed prongs called unsafe
    "there was a shard of glass in my guacamole",
    "Bit into a piece of wire in my cornflakes this morning",
    "The new rug stinks of chemicals and my eyes are burning.",
    "The charger plug is loose and the prongs are half exposed. This is unsafe.",
    # stop 30 (eval/probes-47's kinds, in other words): support tweets, Taiwan and Hong Kong usage
    "Spent two days on the toilet after your burrito bowl, cheers",
    "my macbook started smoking on the kitchen table",
    "the cabbie slammed the boot on my hand, nail's gone black",
    "the lamp gave my son a zap off the switch",
    "£40 fee for nothing, next stop Trading Standards",
    "the switch dock sparked as soon as I plugged it in",
    "張櫈腳斷咗，我成個人往後摔，腰痛到而家",
    "個鐵架邊好利，𠝹傷我隻手",
    "細路食果凍，成粒吸咗入喉嚨塞住",
    "新床褥成屋化學味，個仔眼紅流眼水",
    "個保安大力推我，手臂瘀晒",
    "外賣仔臨走仲講「我知道你住邊」",
    # stop 30 (eval/probes-48's kinds, in other words): support tweets
    "@SouthernRailUK refused my claim twice, writing to the ORR now",
    "my Uber driver's brakes were basically gone, he used the handbrake to stop",
    "the printer gives off an acrid fume and I get stinging eyes",
    "we hit turbulence with the belt sign off and my dad hit the ceiling",
    "my PS5 started smoking out of the vent",
    "found a staple in my quarter pounder",
    "smoke was pouring out of the dash vents and the driver kept going",
    # stop 30 (eval/probes-49's kinds, in other words): more support tweets
    "@Lyft my driver was clearly drunk and swerving across lanes the whole way",
    "the fridge gives us a shock whenever we touch the handle",
    "nothing you can do? fine, it's with Ofcom as of this morning",
    "refused to honour the shelf price, state AG complaint submitted",
    "The Chicago Tribune has my story now",
    "since the repair the utility room smells strongly of gas and my son has a headache",
    # stop 30 (eval/probes-50's kinds): staff who let themselves in and made obscene remarks
    "半夜服务员拿房卡刷开门就进来了，还说下流的话",
    # stop 30 (eval/probes-51's kinds, in other words): tweets to utilities, gyms, cinemas, couriers
    "the seat collapsed under me mid film and I went straight down onto the floor",
    "my bill doubled after the meter swap, CPUC complaint filed this morning",
    "the treadmill sped up by itself and I got friction burns down my leg",
    "the driver braked so hard a woman went face first into the seat, nose pouring blood",
    "the courier said he'd knock me out next time I complained",
    "the light switch in the flat gave me a proper shock off it this morning",
    # stop 29: harm after using a product (not eating it), told without a cause or with an allergy
    # and a hospital; a regulator "reported" (报了) to
    "我用了这款面霜之后头晕恶心",
    "用了这个洗发水后喉咙肿痛呼吸困难",
    "After using the new cleaner spray in the bathroom I got dizzy and couldn't breathe.",
    "我用了这款面霜没多久过敏进了医院",
    "我们已经报了315",
    # stop 29: a shock or a burn said plainly beside the device, a hole burnt, exposure accounts,
    # a plea to the media, a message on a government platform, a visit to the regulator's counter
    "Got a shock from the kettle.",
    "I got a nasty burn from the iron's handle.",
    "取暖器把窗帘烧了个洞",
    "已经私信了好几个曝光博主",
    "求媒体关注！",
    "已经在12345平台上留言了",
    "我们去了市监局窗口",
    # 防, 怕 and 像 inside a product's name or another word are no prevention, fear or doubt
    "用了这款防晒霜脸上起了红疹",
    "防水插座进水漏电了",
    "车窗防夹失效夹伤孩子手",
    "太可怕了孩子吃完就上吐下泻",
    "哪怕换了新的也照样漏电",
    "Without warning the battery exploded in my hand.",
    "For no reason the charger caught fire.",
    "我儿子花生过敏，提前说了还给他上了花生酱的餐，当场过敏休克",
    "The restaurant's floor was soaking wet and my mother slipped and broke her wrist.",
    "Crew ignored a passenger groping me the entire flight.",
    "The bathroom had no grab rails and my dad fell in the shower.",
    "Bed bugs! Woke up covered in bites.",
    "奶嘴头断了卡在宝宝喉咙里",
    "快递员把我推倒在地",
    "美容院做完激光脸上留疤了",
    "The crib slats are too wide and my baby's head got stuck.",
    "The laser treatment left scars on my face.",
    "刹车异响，严重影响行车安全",
    "吃完他家的海鲜，我老公晕过去了，送去医院",
    "我會搵傳媒曝光你哋",
    "感觉浑身起疹子，痒得睡不着",
    "睡了一晚感觉全身被咬了好多包",
    # eval/probes-43 (stop 29), after its first figure: a shock told as a numb casing, a runner
    # thrown off a treadmill, a face burning after a mask, a car that died on the freeway, an
    # airbag that never went off, a regulator named before 电话已打 (after a space), Taipei's 1999
    "洗衣机洗着衣服，我手一碰外壳就麻酥酥的，跟过电一样",
    "在健身房跑步机上慢跑，速度突然自己跳到16，我直接被甩飞出去，膝盖蹭掉一大块皮",
    "敷完这款面膜脸就火辣辣的，第二天整张脸红肿",
    "Merging onto the 405 the dash lit up and the car just died. No throttle, coasting at 60.",
    "crashed n airbag never popped",
    "少秤还不认 市监局电话已打",
    "已經打1999檢舉這家手搖店了，冰塊機裡面整片發霉",
    "已經將對耳機連單據交咗俾海關，呢間網店明明賣假貨",
    # stop 29, later probes: the regulator or the media answering (they were contacted), harm
    # named by a test result, a vaccine reaction, an eye infection from lenses
    "电视台的人明天来拍",
    "市监局的工作人员已经上门了",
    "12345回电话说会处理",
    "吃了你们的保健品肝功能异常",
    "打完疫苗孩子高烧不退",
    "隐形眼镜戴了一天眼睛发炎了",
    "Contact lenses gave me an eye infection.",
    "My baby had blood in his stool after switching to this formula.",
    "吃完嘴里起了好多泡",
    "吃了一口就觉得嘴里刺刺的，吐出来一看是根鱼刺大小的铁丝",
    "Ate half the burrito and spent the night on the toilet.",
    "喝完奶茶心跳加速手抖",
    "THE CONTACT STATED THAT THE VEHICLE ACCELERATED INDEPENDENTLY WHILE THE BRAKE WAS DEPRESSED.",
    "停车场里踩着刹车车子突然暴冲，撞上了墙",
    "This product is dangerous and should be recalled.",
    "The stairs have no handrail, this is an accident waiting to happen.",
    "古老肉酸的反胃，把两个人都吃吐了；饼也没熟",  # eval/fresh-level1-2
    # eval/paraphrase-level1, round 6: harm shown by what was done, or in very short dialect
    "用了半个月，周末去皮肤科排了两小时队，开的是卤米松，这洗发水还要五十多",
    "吃到一半味道不对，半夜老婆给我冲了两包口服补液盐，这一份还要三十二",
    "困咗𨋢四十分钟，服务仲差",
    "吃完lsz了，差评",
    # eval/paraphrase-level1, round 5: English by consequence and in regional slang
    "Chicken katsu wis pink in the middle, boked aw night",
    "Went arse over tit on the wet floor in the branch, no sign up, wrist is banjaxed.",
    "flight attendant was bein real touchy w me the whole flight n said he'd 'find me' after landing",
    "Toaster gave me current when I touched the side, tingled till my elbow. Kindly replace.",
    "dealer tacked on $3.8k in add-ons post-signing. ch 5 consumer investigator's got it now",
    "早饭吃了煎鸡蛋，我和同伴一上午轮流占着卫生间，还得托服务员去楼下药店买蒙脱石散。",
    "我自带的甲醛检测仪一进那间新装修的房就嘀嘀报警，读数一直是红的",
    "退房后我在候机厅一路挠，回家先去药房买了一盒氯雷他定，那被子明显没换过。",
    # eval/paraphrase-level1, round 4: one slang word or an emoji for the harm
    "尖椒土豆卷全是土豆丝，吃完直接变身喷射战士。",
    "關東煮好吃，但吃完烙賽。",
    "床单不干净，睡完我又锅敏了！！",
    "房价贵还没电梯，花洒麻手⚡🚿😱",
    "隔音贼差，插座一插就呲火。",
    "住着住着酒店走水了，全楼断电。",
    "电梯半道趴窝，被关里头半拉钟头。",
    # eval/paraphrase-level1, round 3
    "過彎時方向盤突然變超重，EPS故障燈亮起來，完全轉不回來，車頭直接撞上分隔島。",
    "@ZapPowerAU your bloke swapped our meter box on Tuesday and tonight it's popping and throwing "
    "little blue flashes, with a wisp of smoke coming out the side.",
    "@SpiceRouteUK told the waiter my daughter can't have nuts. Ten minutes later her face puffed right "
    "up and she was wheezing. Paramedics had to give her adrenaline.",
    "@CarrierUK_Help Closed my broadband account in June and you've taken three more direct debits "
    "since. I've now raised it with Ofcom.",
    # eval/paraphrase-level1, round 2
    "这玩意儿整的啥呀，馊了吧唧的，吃完俺搁厕所哕了好几回，胃都掏空了",
    "尝了两片这牛肉干，舌头跟没知觉似的，半边脸木木的，过了俩钟头才缓过来",
    "沖涼房入面個插蘇就喺花灑隔籬，水濺過去啪一聲冒晒煙",
    "外卖小哥晚了一个半钟头，我就问一嘴，他搁那瞪眼说你再逼逼一句我削你",
    "我当场就拨了12315把事情经过讲了",
    "★☆☆☆☆ 客房送餐的意面吃完肚子翻腾了一夜，跑了七八趟洗手间，第二天还发烧",
    "冲头的时候水一进眼睛跟撒了辣椒面一样 疼到狂飙泪 第二天眼皮还是肿的",
    # eval/paraphrase-level1: the same harms told in other words
    "房间刚刷完漆就让住人 那味儿冲得我嗓子眼火辣辣的 眼睛也辣",
    "间房装修味好劲，瞓到半夜头痛到爆，喉咙又痕又痛",
    "自己带仪器测了下房间空气 HCHO读数是国标的好几倍 住一晚嗓子干疼",
    "送餐小哥没得说，就是这碗粉有点馊了，我半夜抱着马桶哇哇的，翻江倒海一宿",
    "吃一次窜一次稀 三次了 你家这是泻药吧",
    "被子不干净 醒来满身风团 吵 一夜没睡",
    "电热壶水开了也不跳 我过去拿的时候蒸汽把手背燎起个泡",
    "酒店突然冒黑烟 停电停网 一群人拖着箱子往外跑",
    "用完呢支洗头水，成个头皮起晒啲红粒粒，痕到瞓唔着",
    "床单有跳蚤吧 儿子脖子一圈被叮满了 挠得出血",
    "超时5分钟收半天房费 前台态度拽得二五八万 已打幺二三幺五 等消息",
    "枕套不知道多久没换睡完满脸起疹子又红又肿",
    "第一天洗完澡一脚踩在湿瓷砖上直接栽了，胯骨青了一大块，疼了两天",
    "@115873 your driver got right in my face and said he'd sort me out if I reported him",
    "苹果吃了人不舒服。不敢吃了！全部都要丢掉，才吃了三个！",  # eval/near-level1
    "做饼的油明显不行，吃的下午反胃难受。",
    "洗完感觉头皮发炎",  # the look-alike 感觉头皮 runs on into the cue 头皮发炎: felt, not doubted
    "用完感觉脸火辣辣",
    "为什么我感觉吃了之后嘴和舌头发麻？",  # a sensation felt after eating is no doubt (eval/mined-level1)
    "不知道为什么，吃完他家的凉皮就拉肚子",
    "酒店一般，睡觉被子不干净，有虫子，被咬了",  # eval/mined-level1: a bite in a hotel bed
    "The brakes failed on the highway and I almost hit the car in front",
    "Airbags did not deploy when I crashed into a pole",
    "刹车失灵，差点追尾",
    "安全气囊在碰撞时没有弹出",
    "方向盘突然失灵，车子冲出了车道",
    "行驶中发动机突然熄火，高速上非常危险",
    "变速箱在行驶中突然掉挡",
    "The steering locked up while I was turning",
    "My car stalled on the freeway twice this week",
    "新车停在车库里自燃了",
    "车内甲醛超标，坐久了头晕恶心",
    "The new sofa gives off fumes that made my whole family dizzy",
    "这个插座存在安全隐患，一插就有火花",
    "门把手松动脱落，严重影响安全",
    "The glass edge is so sharp it cut my hand when I opened the box",
    "玻璃杯边缘有缺口，把手划破了",
    "吃了他家的辣条，嘴唇都脱皮了",
    "面包里吃出了订书钉",
    "馒头里有一根不锈钢丝",
    "There was a staple in my sandwich",
    "吃完以后肠胃不舒服，去医院打了点滴",
    "吃完饭后手脚发麻，头晕",
    "充电器烧黑了，插座也烧黑了",
    "A power surge burned out both adapters and the charger nearly exploded, there was smoke",
    "燃气灶有很大的煤气味",
    "The Uber driver crashed and I was injured",
    "The delivery driver harassed me at my door",
    "The label didn't list peanuts and my son had an allergic reaction, we nearly lost him",
    "我已经向12315投诉了",
    "我要打315",
    "我会去工商局投诉你们",
    "已经向相关部门反映了",
    "我将向主管部门举报",
    "求助媒体，希望曝光这家店",
    "@黑猫投诉 @央视新闻 这家店卖过期食品",
    "已经投诉到国家质检总局",
    "I filed a complaint with the FTC",
    "I will be reporting this to the CFPB",
    "I have contacted my state attorney general",
    "我已經向消費者委員會和工商局投訴",
    "我已經撥打了12315",
    "已向国家市场监督管理总局缺陷产品管理中心投诉",
    "高速上变速箱突然动力中断",
    "催收打电话说再不还钱就找人上门卸我一条腿",
    "網貸催收說知道我住哪，叫我出門小心點",
    "The collector said he would show up at your door and beat it out of me",
    "已經向金管會陳情，銀行還是不處理",
    "打了12378投诉银行乱收费",
    "I sent copies of everything to the State Attorney General's office",
    "床上有床虱，早上起来全是红包，又痒又肿",
    "浴室地面太滑，我妈摔倒了，尾椎骨裂",
    "The passenger next to me kept touching my leg and the crew did nothing",
    "Smoke started pouring out of the galley and we were evacuated",
    "左前轮摆臂在高速上突然断裂",
    "手机边充电边用，把我耳朵烫起了泡",
    "半夜被房间里的油漆味呛醒，只好换酒店",
    "床上有小东西咬人，胳膊上咬了十多个小红点",
    "这个洗发水流到眼睛里，眼睛刺痛了一整天",
    "新买的毛衣里面有一根断针，扎到我脖子了",
    "There was a sewing needle left inside the baby onesie",
    "鞋子里有个图钉，穿上就扎脚",
    "A nail poked through the mattress and scratched my back",
    "網約車司機追尾，我額頭縫了三針",
    "宝宝玩具的小零件掉了，差点被吞下去",
    "敷完面膜脸上火辣辣的，又红又痒",
    "房间里有跳蚤，身上还是时不时的红肿瘙痒",
    "浴盐瓶一打开就碎了，质量差的东西能伤人",
    "洗澡间里有插座，非常危险，是不是要等出了事才改",
    "热水器插座就设在花洒上方，感觉不安全",
    "房间插座竟然掉在外面，是不是太不安全了",
    "The outlet in the bathroom has exposed wires, it is dangerous",
    "洗头后头皮杀的痛，掉发更多",
    "My rear passenger door flew open on its own while I was doing 35 on a main road",
    "行驶中车门自己打开了，孩子就坐在旁边",
    "Ran the heater for 40 minutes and the CO detector started screaming, we both had headaches",
    "The pharmacy sent someone else's prescription in my bag and I took one before I noticed",
    "药店给我拿错药了，吃了一片才发现",
    "I've sent the whole story to the consumer investigator at our local Channel 8 news",
    "我已经联系了当地电视台的栏目组，记者下周跟我去店里",
    "While driving at 60 mph on the interstate the vehicle lost motive power and I coasted to the shoulder",
    "Dealer says the sensor is on backorder and until then the passenger airbag may not deploy",
    "月租退了還一直扣，我已經向通傳會提出申訴",
    "用了这款洗发水头皮起了好多红点，又痒又疼",
    # the danger or the symptom told in the next sentence
    "The installer left bare wires hanging out of the socket in the kids' room. This is dangerous.",
    "电线就这么露在外面，孩子天天在旁边玩。太危险了！",
    "The pool was so heavily chlorinated. My daughter had red eyes and was coughing all night.",
    "新买的衣柜味道特别大。住进去第二天孩子就开始咳嗽流眼泪。",
    # told by consequences, in the corpus's own voices (probes-11 kinds)
    "手機用不到半年，電池整個膨起來，背蓋都被撐開翹起來了，門市說要等兩週，這段時間我是要用什麼？",
    "熱水器裝好之後浴室一直有瓦斯味，我跟老婆洗完澡都頭暈想吐",
    "装好第二天洗澡，手碰到花洒那根金属管，一下麻到胳膊肘",
    "打了二十来分钟电话，耳朵贴着那块越来越烫，耳廓红了一片，晚上还起了个小水泡",
    "亲子房的阳台栏杆是松的，底下是十二楼，这么大的安全隐患没人管？",
    "我已经约了我们这边电视台的记者，下礼拜一跟我一块去你们店里看看",
    "已经打电话给文化市场执法大队举报了，你们店等着查吧",
    "@brand had the chicken bowl at lunch. by 8pm I was hugging the toilet",
    # domains the corpus lacks (probes-12 kinds): dangers left in place, care gone wrong, regulators
    "The lift in B wing suddenly dropped from the 7th floor with a loud bang, my mother was inside",
    "阳台的铁护栏底部都锈断了，手一推整片都在晃，外面就是十二楼",
    "Found my son on his own in the nursery garden, by a side gate wide open onto the road",
    "The ceiling rose is hanging down on bare wires and the circuit still live",
    "护士把隔壁床的药挂到我妈身上了，拔了以后她就心慌胸闷",
    "The staff nurse gave him insulin meant for the patient in the next bed",
    "上星期四佢哽親，成個面發紫，要叫白車送院",
    "Mum came in with perfect skin and now has a grade 3 pressure sore on her heel",
    "I've given up on the manager and put the whole lot into the CQC",
    "我把聊天记录和收费通知都截图发到区教育局的局长信箱了",
    "I rang Fair Work last week and they've opened a file",
    "Was going to report it but then the FSSAI app: I have registered complaint on FSSAI Food Safety Connect",
    # services told in everyday words (probes-13 and -14 kinds)
    "高速上方向盘突然变重，电子助力失灵，车速110左右",
    "坐的快车司机刷视频追尾了，我坐后排脑门磕前座上肿了个大包",
    "充电桩插枪的时候手一麻，整条胳膊都酥了一下",
    "育儿嫂趁我出门掐孩子，胳膊内侧青一块紫一块",
    "今朝港鐵站條扶手電梯突然急停，我膝頭哥擦損咗流緊血",
    "月子中心的护士给宝宝洗澡水温都不测，宝宝两条腿烫得通红",
    "区住建委的投诉我昨天交上去了",
    "已打12301，说会转当地文旅局处理",
    "Bit down on something hard in the clam chowder and pulled out a thin piece of glass",
    # look-alikes' real twins (probes-16 kinds)
    "Brakes went soft on the highway off-ramp yesterday, pedal nearly to the floor",
    "他把螺丝刀往桌上一拍，说不给钱就让我好看",
    "The contractor told my mother he'd come back and deal with her if she left a bad review",
    "已经emailed the consumer desk at KTVU with pics of the droppings",
    "婴儿床栏杆间距太大，宝宝的头卡进去了，脖子都勒红了",
    "My 14-month-old swallowed one of the little wheels off the push-along truck",
    "部電熱水爐今朝沖涼時插蘇位仲出火花，已經報咗機電署",
    "My son's gaming headset shocked him through the ear cup while it was plugged in",
    "充电宝才用了半年，今天发现鼓得像个馒头，外壳都撑裂了",
    "你们的催收员打电话说要上门收拾我，还说知道我孩子在哪个学校上学",
    # told in passing inside long reviews (probes-15 kinds)
    "我现在正在填台北市卫生局的陈情表单，照片都附上了",
    "现在住建局那边已经立案，工作人员这两天在约双方调解",
    "新来的男技师做背部的时候手一直往不该碰的地方摸",
    "司机指住我话信唔信我打你，仲推咗我膊头一下",
    "第五天换了一个司机，上车就一身酒气，在弯道上压线好几次",
    "The driver was drunk, slurring and drifting across the center line",
    # Chinese platforms' voices (probes-18 kinds)
    "吃完他家麻小，全家三口半夜轮着窜稀，早上去社区医院挂了两瓶水",
    "小太阳用了三天插头那块直接化了，塑料软得一捏一个坑",
    "機車下坡的時候後煞車整個沒感覺，握到底都沒用",
    "昨晚在楼道里充电，新电池冒了一大股白烟，楼道墙都熏黑了",
    "洗完伸手进去掏衣服，胳膊一麻，跟过电似的，这洗衣机",
    "搬屋公司啲師傅抬雪櫃撞落我阿媽隻腳度，腳甲都甩埋",
    "养生壶盖子掉下来，一壶开水浇在手背上，起了一片燎泡",
    "水光针打完第二天整张脸肿成猪头",
    "司机回头就骂，还说再叨叨一句把你扔高速上",
    "健身房的跑步机猛地加速，我整个人被甩下去，膝盖手掌全搓破了皮",
    "民宿浴室地砖太滑，我爸洗澡直接摔了，后脑勺磕起个大包",
    # nine countries' local voices (probes-17 kinds)
    "the practice's own 'reception cat' clawed her face right under the eye, she needed steri-strips",
    "On the on-ramp the pedal went straight to the floor",
    "I've filed with the CCTS and copied the CRTC",
    "Whole kitchen reeked of gas by teatime after their engineer swapped the meter",
    "Back left wheel came clean off on the N1 doing 100",
    "My young lad touched the cable and got a right belt off it, arm was tingling for an hour",
    "The delivery driver has now texted my 16 year old daughter four times asking her to hang out",
    "Me and the missus were up all night being sick after the jalfrezi",
    "The courier got right in my face and said he'd smash my head in",
    "Slipped getting out of the shower in our room and cracked my wrist",
    "The lap bar on the coaster popped up halfway through the ride",
    # probes-19 and -20 kinds
    "平板用了半年后壳被顶起来了，屏幕边都翘了，电池鼓成这样还敢放孩子床头吗",
    "孩子喝了这箱里的一盒，吐了两回",
    "热水器装好第二天洗澡，手一碰龙头麻了一下",
    "部平板間鋪頭死都唔認，我已經寫咗信俾報館",
    "By 2am both of us were taking turns in the bathroom after the pad see ew, only thing we both ate",
    "刹车片已经磨到铁了，再开下去随时刹不住",
    "Bit down on a chunk of metal twist tie in the burrito. Cracked molar, dentist Monday",
    "飞机颠簸的时候餐车没固定好，滑过来直接撞在我膝盖上，软组织挫伤",
    # probes-21 kinds
    "Used the new eye cream twice and woke up with my eyelids puffed shut",
    "酒店的床单有问题，睡了一晚全身起红点，去皮肤科开了药",
    "A reporter from the local TV station is doing a piece on your flights and I've sent her my emails",
    "Pharmacy gave me my neighbour's blood pressure pills instead of mine",
    "Week-old car, the power steering just quit on the ramp at 60",
    # probes-22 to -25 kinds
    "泳池边太滑，我女儿跣低撞到头，要缝三针",
    "Gas water heater in the rental bathroom: I got dizzy halfway through my shower and had to crawl out",
    "Lip swelled to twice the size after the injection, urgent care put me on antibiotics",
    "Our dog kept bringing up blood after two days on the new kibble. Emergency vet kept him overnight",
    "充电器插了一晚上，插头都化了变形了，插座上黑了一圈",
    "Driving on the highway when smoke started pouring out of the vents",
    "Not one reply in nine days. I'm ringing Watchdog tomorrow",
    "客服说是正常现象，明天我就拿着发票去市场监管局",
    "I am filing a complaint with the state veterinary board on Monday",
    "Her finger got shut in the door at nursery and the nail went black",
    "院舍的护工大力扯我妈的手臂上床，留下一大块瘀青",
    "羽绒服一股刺鼻的味，挂阳台吹了三天还有，穿了一天出门，眼睛一直流泪",
    "酸奶喝完没多久就吐了，拉了三四趟",
    # probes-28 kinds
    "Ordered the lamb curry on Friday night. By 2am we were both taking turns on the loo",
    "Power bank was on charge overnight by the bed. Morning there was a burnt plastic smell",
    "Making chips and the whole kitchen filled with acrid black smoke",
    "The toy's eye came off and I had to hook it out of her cheek with my finger",
    "Nobody answers me, so next week I will bring this to Raffy Tulfo",
    "I raised a grievance on AirSewa marked to DGCA last month",
    "Kennel's dog went for my hand at pick-up and I needed a tetanus shot",
    "Whole kitchen stank of rotten eggs after your engineer fitted the hob",
    "Hair dye left my eyelids so puffed up I couldn't open my eyes; the skin doctor put me on steroids",
    # probes-27 kinds
    "电水壶底下漏水，开水顺着把手往下流，我老伴手背烫起一大片泡",
    "吃了他家的菜，全家中毒，每个人都上吐下泻",
    # probes-29 kinds: vehicle complaint titles
    "行驶中安全带卡扣自己弹开了",
    "Truck popped into neutral by itself on the interstate",
    "AEB误触发，高速上没有障碍物突然急刹",
    "Auto-up window closed on my son's fingers",
    "新车高速上爆胎",
    "松开油门车还往前冲，撞上前车",
    "高速上整车断电",
    "超车超到一半车突然没劲了",
    # probes-31 kinds
    "Chicken was pink in the middle. By 2am I was on the bathroom floor and spent Sunday at urgent care",
    # probes-30 kinds: a debt collector's threat
    "The collector said he would drive out to your place and break a few things, starting with your face",
    "Collector called my job: tell him we know what car he drives and he should watch himself",
    # probes-33 and -34 kinds: harm to children, patients and pets
    "热水器装好第三天突然出来的全是开水，孩子背上烫起了一片泡",
    "The high chair leg folded and she hit the tiled floor: egg-sized lump above her eye",
    "婴儿床护栏滑下去，把他手指夹在中间，指甲盖都紫了，去儿童医院拍了片",
    "Picked her up from the kennels and she came out limping badly, the pad torn open and infected",
    "32 weeks pregnant, slipped on the unmarked wet floor and went down on my side, black and blue",
    "The label said 10ml instead of 2.5ml; she went so floppy we couldn't wake her and rang 111",
    "A slat came out and his leg was wedged through the gap, his shin is purple",
    # probes-32 kinds
    "这个月已经两次在快速道路上骑到60左右突然熄火，仪表全黑",
    "At 100 km/h last Thursday there was a bang and the rear left wheel came off",
    "I've reported the test centre to the DVSA with the screenshots",
    # probes-35 kinds: short texts
    "外卖退款拖了一个月，已报12315",
    "酒店床上有臭虫，咬得我全身起红包",
    "Bank security guard shoved my 70yo dad to the floor",
    "食完佢哋個燒鵝飯，成家人肚痾",
    "娃被积木边划了个口子，流了好多血",
    "说了句要给差评，司机下车就动手",
    "Uber driver kept grabbing my thigh. Jumped out at a red light.",
    # probes-36 and -37 kinds: mixed-language writing, and level 1 beside its look-alike
    "When my mother touch the side of the washing machine she get electric, her hand numb",
    "The eye part come off so easily, he put in mouth and choke until face turn blue",
    "ordered the chicken rice set at 7pm, by 11pm 🤮🤮🤮 whole night, now both of us at polyclinic on drip",
    "网约车司机说再啰嗦就把我扔在高架上，到了还跟着下车要动手",
    "装修师傅拿着锤子指着我说再催信不信我砸了你",
    "新衣柜请第三方来测，甲醛0.25，超国标两倍多",
    "I've sent the whole thread to the Problem Solvers consumer team at FOX31",
    "Nag-file na po ako ng complaint sa DTI, may reference number na ako",
    "Phone battery has swollen so much it's pushed the screen out of the frame",
    "请问吹风机用着用着出风口冒火星正常吗？发梢都烧焦了一小撮",
    # probes-39 kinds: unpunctuated Chinese, dialect
    "浴室地上全是水 连个防滑垫都没有 我老妈早上洗澡滑倒了 尾巴骨摔伤",
    "俺家老头洗澡伸手摸那个开关 让电打了一下子 胳膊麻了老半天",
    "平板充电的时候后盖越来越鼓 今天一看屏幕都被顶起来了",
    "保安过来直接把我胳膊一拧推出门外 手腕到现在还青着",
    "客服就会说亲亲 俺明天就上市场监管局去 跟你们整明白",
    # eval/fresh-shampoo kinds (real scalp reactions) and probes-40 (support tweets)
    "用后头皮发痒，头皮还发炎长了几个脓包",
    "假的，洗了掉一大撮头发，又痒又油",
    "洗了头皮长豆包，好难受",
    "宝宝用了纸尿裤，红屁股很严重，挠的结痂了",
    "就痒的不行 头皮现在严重受损了 整个人都不舒服",
    "@RydeSupport Already sent the clips to @BBCNews and @MENnewsdesk and they're interested",
    "@HomeHubDirect refused a return. Trading standards have been informed.",
    "@FibreNetHelp your hub started SMOKING behind the telly last night",
    "Filed a complaint with @USDOT this morning. Maybe you'll answer them",
    # probes-41 kinds: businesses the corpus lacks, in Chinese
    "师傅一把拽住我领子把我推到墙上，说信不信我弄你",
    "打完玻尿酸没多久鼻尖就发白发紫，疼得厉害，跑去三甲医院挂急诊",
    "驾校教练练车的时候一直把手放我腿上",
    "那狗冲上来咬在我小腿上，两个牙洞一直冒血，去打了狂犬疫苗",
    "泳池池底纸皮石爆咗，佢踩落去成只脚板割开咗一条口，要去急症室缝咗四针",
    "我明天就打1955，再去劳工局申诉",
    # eval/fresh-harm kinds (real hotel and 外卖 reviews)
    "房间内有跳蚤，被咬了好几口",
    "小菜难吃死了，不忍心浪费吃了几口，结果又拉又吐",
    "装修味太浓，呛的眼泪鼻子一大把的",
    "吃完到现在反胃，全部吐出来了",
]

NOT_LEVEL_1 = [
    # stop 33: someone else's review of a fire, a news segment, hair "on fire (in a good way)", paint
    # blistering under a fingernail, a guide's "complain if you like"
    "Saw in another review that this charger caught fire; mine just stopped charging",
    "My hair is on fire (in a good way) but they sent the wrong size",
    "漆太薄了，指甲一刮就掉，门边已经起泡",
    "The guide said go ahead and complain to the tourism board if you like",
    # stop 33: a coworker's car that caught fire, a phone that "never smoked or smelt burnt", a screen
    # cracked in its parcel
    "A coworker of mine had one catch fire last year; mine just keeps failing the same repair",
    "手机从来没有冒烟、发烫或者有焦味，就是直接死机开不了",
    "平板到货时屏幕已经爆裂，快递盒也压扁了",
    # stop 33: going to the CFPB only thought of, short praise and questions
    "I'm thinking I might go to the CFPB but haven't decided, just reverse the fee",
    # stop 33: a seller's taunt to go to the regulator, something read on an exposure page, a shampoo
    # bottle that burst in its parcel, a faint smell with "no headache", a hypothetical food poisoning
    "商家還說你愛去市場監管局告就去，我直接找律師",
    "之前在爆料公社看過有人抱怨這家，褲子縫線開了",
    "快遞到的時候洗髮水瓶子爆了，整箱都是",
    "The speaker has a faint plastic smell when warm, no headache or anything",
    "Lukewarm chicken, this is how you give someone food poisoning",
    # stop 33: milk tea 'sweet to poisoning', wings that 'nearly killed me (in a good way)', the
    # writer's own surgery before a wheelchair booking, a friend's old CFPB complaint, a charge-port
    # door latch, floored acceleration praised, a suggestion to complain together
    "这杯奶茶甜到中毒，跟我选的三分糖不一样",
    "the ghost pepper wings nearly killed me (in a good way) but the fries were missing",
    "I was on crutches after knee surgery and booked wheelchair assistance, nobody came",
    "My friend filed a CFPB complaint against them last year; my issue is the hold time",
    "the charge port door latch broke and the part is on backorder",
    "油门一脚踩到底，推背感很强，加速炸裂",
    "建议大家集体投诉这家店的售后",
    # stop 33: racers heard outside a hotel window, a delivery rider seen weaving through traffic, a
    # fire hazard to someone's patience, a box crushed flat, a dealer who slipped fees into a contract
    "窗外半山路上很多人在飙车，吵得睡不着",
    "I saw your delivery guy weaving in and out of traffic, and my pizza was still an hour late",
    "@Expedia you are a fire hazard to my patience, where is my refund",
    "the table arrived with a cracked leg and the box was crushed flat",
    "The dealer slipped $900 of add-ons into my contract and the tyres were never fitted",
    # stop 33: an own stay in hospital beside a late delivery to the ward, a company disowning a fall
    # (still level 1 only where the customer was hurt), 住院部 as a place
    "我本来就在住院，外卖送到住院部晚了一个小时，饭都凉了",
    # stop 33: 'nearly died of shame', a phone screen that 爆了 (cracked) in Taiwan Mandarin, a
    # neighbour's car that caught fire, 'same as mine'
    "the breakfast was so bad I nearly died of shame in front of my guests",
    "手機掉一次螢幕就爆了，這殼根本不防摔",
    "My neighbour's car, same model as mine, caught fire last winter; mine just has a rattle I want fixed",
    # stop 33: popcorn so salty it 'nearly killed' someone, a cream that 'nearly killed me with the
    # smell lol', a text message that took a minute to arrive
    "the fries were so salty it nearly killed me, and the burger was cold",
    "this body spray nearly killed me with the smell lol, also the cap was cracked",
    "等了不到一分钟客服就回复了，还挺快",
    # stop 32: stitches on a seam, a courier's own fall, spice that 'nearly killed me', the writer's
    # own flu
    "The stitches down the side seam came undone after one wash",
    "快递小哥说他自己在楼梯上摔了一跤，人没什么事，但箱子被砸烂了",
    "The chilli one nearly killed me too, though that's on me; the portion is the complaint",
    "I've been sick in bed all week with flu, and the soup maker arrived cracked",
    # stop 32: an owner concerned that squealing brakes could fail
    "THE CONTACT STATED THAT THE BRAKES SQUEAL. THE CONTACT IS CONCERNED THAT THE BRAKES COULD FAIL",
    # stop 32: biting on a bone and nearly losing a tooth, undercooked chicken not eaten
    "盒饭的排骨里全是碎骨头渣，我咬到一块差点把牙硌掉",
    "The chicken was pink in the middle, I didn't eat it, but it could have made someone really ill",
    # stop 32: a Cantonese near slip, a courier's own fall explained
    "冷氣機成日滴水，地板濕晒，今朝我起身差啲跣親，師傅次次都話下個禮拜",
    "快递小哥解释说前天下雨骑车摔了一跤，所以才送晚了，生鲜都不新鲜了",
    # stop 32: a hazard denied outright
    "刹车片换完以后很安静，这不是安全隐患，只是有点灰",
    "燃气热水器修了一个礼拜没消息，接线员说你嫌慢就自己打12315去，然后挂了电话",
    # stop 32: a shower that runs scalding with no one scalded, a phone too hot to hold, a child who
    # tripped and was fine, heat that 'nearly killed us', the cut of trousers
    "The shower goes scalding, then cold, then scalding again; the thermostat is useless",
    "手机玩十分钟就烫到要放下来等它凉，希望换机",
    "孩子被翘起来的地垫绊倒了，还好没事，爬起来又接着玩",
    "The aircon was broken for three nights and the heat nearly killed us",
    "The cut is lovely but the colour is nothing like the photos",
    # stop 32: a courier's own fall, a receptionist's suggestion, a colleague's and a neighbour's
    # stories, laughter, a hot room, a book's metaphor
    "快递员骑车摔了腿在家休养，我的件压了五天没人送",
    "The receptionist said we ought to write to the tourist board, but we just want a refund",
    "我同事说她上个月在这家店吃完拉了两天肚子，今天我们点的菜都太咸了",
    "A neighbour told me her kids came up in a rash here, our stay was fine, check-out was slow",
    "外卖迟咗成个钟，App仲话准时送达，我真系笑到肚痛",
    "Aircon so lousy, my room was like an oven, I was melting the whole night",
    "一步步挪向无边无际的黑色，呛水一般，让人透不过气的一本书",
    # stop 32 (eval/probes-69): a video of another brand's brakes passed round a group chat, a slow
    # puncture from a nail and a roadside rescue
    "群里又在转某品牌刹车失灵的视频，还好我没买它家的车",
    "国道上轮胎扎了颗钉子漏气，道路救援半小时就到了，服务很好",
    # stop 32: a driving coach's hypothetical, a Cantonese fear of a stomach upset, an agent's threat
    # to report the tenant, 'had the one appointment' at a clinic
    "教练骂我说这样开以后一定会出人命，态度太差了，我要换教练",
    "奶茶闻落好酸，我惊饮完会肚疴，一啖都冇饮就倒咗",
    "The agent said they'd report me to the RTB for harassment if I keep asking for my deposit",
    "Booked one session with the physio but the clinic charged me twice, I only had the one appointment",
    # stop 32: a squeal of the brakes, a kitchen 'waiting to happen', staff's 'go call 12315', an averted
    # CFPB filing and its sample letter, a PSA of others' reports, a recall notice, burning CDs, slang
    # 'sick', a supervisor and a competent department not contacted, a manager's suggestion
    "刹车有尖锐的吱吱声，但刹车效果正常",
    "That kitchen is food poisoning waiting to happen, we didn't touch the salad",
    "售后顾问说不服你打12315去，态度太差",
    "I was fully prepared to file with the CFPB, but the bank fixed it in a day",
    "I used the CFPB's sample dispute letter and the bureaus corrected my report",
    "PSA: the battery swelling reports are all about the old model, mine is fine",
    "【召回信息】某品牌宣布召回部分车型，极端情况下影响行驶安全",
    "Bought blank CDs to burn some mixes and half of them failed",
    "The burger looked sick in the ad but arrived cold",
    "一个看上去像是主管的工作人员在门口训人，态度很差",
    "这是出租车主管部门的问题，和酒店无关",
    "The manager said if I didn't like it I could write to the financial watchdog",
    # stop 31: a courier who slipped and was fine, the customer's own bike fall, a joke about the
    # government hotline, a reporter by trade
    "快递小哥在楼下滑了一跤，人倒是没事，蛋糕整个拍扁了",
    "我自己骑车不小心摔倒擦伤，跟你们无关，但是药膏发错了",
    "一碗面卖七十八，贵到我想打去政府热线问问是不是抢劫😂 算啦",
    "I'm a reporter myself, I know a refund doesn't take five weeks",
    # stop 31: "wait a sec" is no SEC, someone else's breakfast, a friend's poisoning last year, a
    # hike's sprain, a regulator asked about (想问下), "bleeding tenants dry", a customer's teasing
    "The stones were hot so I asked her to wait a sec and she rolled her eyes",
    "听说前两天有客人吃了早餐拉肚子，我们都没敢吃，早餐钱白交了",
    "my friend got food poisoning at one of your branches last year. tonight: 90 min late",
    "Sprained my ankle on a hike last week and you still put me at the end of the corridor",
    "押金一分没退，想问下这种情况能找住建局吗？",
    "Your agency is bleeding tenants dry with these cleaning fees",
    "小哥弄洒了奶茶，不过我没生气，只是故意调戏下",
    # stop 31: a neighbour's accident, an older model's news, disgust at a bug, a typo for 中度, a
    # credit score that "crashed and burned"
    "My neighbour has the same car and his brakes failed last month, so I booked mine in for a check.",
    "I'd read about the old model's batteries exploding, mine has been fine, but the box came crushed.",
    "饭盒里一只蟑螂，恶心到想吐，一口没吃就扔了",
    "备注了中毒辣，结果送来辣得没法吃",
    "My credit score crashed and burned after their reporting mistake.",
    # stop 31: a fear in Cantonese (惊佢会), the customer's own cut or fall, someone else's post or
    # story, "one day this will kill someone", a crash the airbags handled
    "部暖风机热到焫手，惊佢会起火，想退货",
    "切菜自己𠝹亲手指，唔关把刀事，但系刀柄甩咗",
    "上个月自己下楼梯摔了，腿还打着石膏，衣服尺码偏小",
    "I slipped on the ice in the car park, that one's on me, but the gate agent was rude",
    "连登有人话食完你哋分店屙到入院，我想取消订位",
    "看到爆料公社有人说你们家鸡排吃到塑胶，我的倒是没有",
    "saw someone in my neighborhood group got sick from this brand, mine was just stale",
    "这手机迟早要出人命，信号差得导航老断",
    "Got T-boned last month and the airbags deployed perfectly, walked away fine",
    # stop 31: a phone dropped on the floor is no fall of a person
    "手机被我摔到地上好几次，到现在还好好的",
    # stop 31: drinks that went flying, a fall-detection feature, "rude enough to make me sick", a
    # suitcase's handle, a smell only like burning, someone else's rumour, staff who named a regulator
    "Bumpy landing, drinks went flying but the crew handled it brilliantly",
    "这款手表有跌倒检测功能，给我爸买的，挺好用",
    "The waiter was rude enough to make me sick, the food was fine",
    "行李箱拉杆弯了，轮子也磨坏了一个",
    "空调出风口一股怪味，有点像烧焦的塑料",
    "听说有人喝了这个拉肚子，我的订单十天了还没发货",
    "The agent told me that if I had a problem I could call the CFPB for all she cares.",
    # stop 31: a regulator only asked about, or named by a fellow traveller; news read about one;
    # fingerprints on a screen
    "想问一下这种情况打12345有用吗？空调一直不修",
    "请问要不要去找消保官？退款拖了一个月",
    "同行的阿姨说要打旅游局电话，我就想退一半团费",
    "Saw on the evening news that the consumer helpline got a record number of calls.",
    "屏幕上全是手指印，像是别人用过的",
    # stop 30: harm that happened to someone else, told as news a clause or more before the harm
    "刚看到新闻，外地有一个小区的电动车在楼道里充电时起火了，好几户都被熏了",
    "看到新聞說有人的行動電源在捷運上起火，想問大家都用哪一牌",
    "Saw a local news story about an e-scooter battery catching fire in an apartment downtown.",
    # stop 30: figurative fire, media hype, a seam that burst, a leak looked for and not found
    "servers are on fire tonight, can't join a single match",
    "All the media hype about the autopilot and my wipers can't even tell it's raining",
    "裤子穿了两次裆就爆开了，车线太烂",
    "用了一个月，漏电倒是没发现，就是加热太慢",
    "remember when those phones kept catching fire on planes lol",
    "個叉電器熱到燙到手都揸唔住，不過用得",
    "我自己行山扭親腳，藥膏遲咗三日先送到",
    "食飯咬到粒石仔，好彩冇崩牙",
    "the milk smelt off so I binned it, this'll make someone sick one day",
    "whoever designed that fee should be reported to the CAA tbh",
    "not that i'm going to go to Watchdog or anything but it's 4 days late",
    "the tablet screen just exploded into a spiderweb crack when I opened the case",
    "somebody should get the FTC to look at what you call solid wood lol",
    "风扇声音大的像要炸了一样，玩游戏就死机",
    "i tripped over my own suitcase and twisted my ankle, my fault, but the ice took 45 minutes",
    # stop 30: a barbecue dish, and motion sickness (the traveller's own, not the airline's doing)
    "Smoke ring on point and the burnt ends melt in your mouth.",
    "Our daughter got airsick and threw up on descent; the crew brought bags and wipes.",
    "My son got carsick and threw up in the back seat on the way home.",
    "用了这个app半天头晕，界面太乱",
    "这款面霜用了三天，头晕是因为我感冒了，跟面霜无关",
    "我是过敏体质，酒店离医院很近",
    "转发：市场监管局今天通报了一批抽检不合格的充电宝，大家看看自己手上的型号有没有中招",
    "Got a shock when I saw the bill for the kettle.",
    "Got burned by this seller, never again",
    "和蒙牛今天一样。媒体失去了该有的监督和约束。",
    "媒体说这个牌子很好，求推荐",
    "买了防漏电的插座，以防触电",
    "包装可靠，防跌伤。",
    "好可怕，怕孩子吃了会拉肚子",
    "这价格贵得我都要休克了",
    "Broke my leg skiing, nothing to do with you, just want to freeze my membership",
    "There were no injuries, thankfully.",
    "这个推倒重来吧，设计太差",
    "价格贵得我差点晕过去",
    "烤鱼真的火辣辣的，吃得满头大汗，嘴巴都要冒火了，爽！！",
    "牙胶硅胶的很软，宝宝咬了一个月咬不坏，没有小零件，放心",
    "想問下如果網購買到老翻，係咪可以搵海關？有冇巴打試過",
    "快递被海关扣了一周，物流太慢",
    "工商银行回复我说卡被冻结了",
    "This movie gave me palpitations lol",
    "看这部电影心跳加速",
    "新车加速很快，超车突然加速很爽",
    "推开卫生间门去冲澡，一股浓烈的恶臭扑面而来，洗完澡人差不多已熏晕过去了",
    "洗完头发炸得像狮子，出门直接社死，毁容级别的难看，建议别买",
    "屏幕无划伤，包装完好",
    "No scratches at all, works great",
    "笑到爆炸，这个剧太好看了",
    "裤子的线爆开了",
    "水管爆了，酒店半天没人修",
    "手机屏幕裂了",
    "This food will poison someone one day",
    "是冷库着火了吗？这么久还不发货",
    "客服让我去打12315，真是无语",
    "My head exploded reading these terms",
    "我自己修车的时候把手划伤了，和你们没关系",
    "气得我冒烟",
    "价格315元，还可以",
    "差点烫到，还好没事",
    "怕电池会爆炸，不敢充电",
    "这家店迟早要把人吃中毒",
    "建议以后订餐能等就等，别打人家电话催单",
    "开箱之后发现正面玻璃有指纹，背面也有",
    "The waiter set the sizzling skillet next to my son, luckily nobody got burned",
    "The crew did the safety demo like a comedy routine, loved it",
    "I could have died of embarrassment when they sang at our table",
    "刷到新闻说这个牌子有车自燃，不敢买了",
    "Someone vaped in the toilet and set off the smoke detector",
    "这火锅辣到冒烟，爽爆了",
    "衣服上的针脚很粗糙，线头很多",
    "书有些质量问题，有很多装订的粗针扎的孔",
    "The sweater has a safety pin on the tag, easy to remove",
    "装货的人脑袋被门夹了？箱子里全是漏出来的",
    "刚收到货，洗发液已经被打开，洗发液都流出来了",
    "送到了以后，抄手都烂了，坨成一疙瘩",
    "接麦聊天时候有电流声音，有点恐怖",
    "洗澡用的是电热水器，始终让我觉得不安全，提心吊胆",
    "房间插座很多，充电很方便",
    "门锁坏了，晚上感觉不安全",
    "Our server made the bananas foster tableside and set it on fire right in front of us",
    "Saw on the news that a guy in another state got hurt by this airbag, mine is fine",
    "Ordered the wrong prescription glasses by mistake, my fault",
    "I had sprained my ankle on the trail that morning (my own clumsiness), so we asked for a table",
    "我自己不小心摔了一跤，和酒店无关，服务员还扶我起来",
    # slang praise: a quality that "explodes" is a great one
    "这耳机音质炸裂，绝了",
    "新手机性能炸了，打游戏一点不卡",
    "新平板跑分直接炸了，比上一代高了三成",
    "这个苹果是被打针了吗，刮了皮，发现有小小的针眼",  # an injected fruit, not a beaten customer
    "牛肉咬不动直接咽下去，蔬菜是一些豆芽",  # tough beef swallowed, no choking
    "这平板卡的我原地爆炸，点一下等三秒",  # furious, not an explosion
    "我自己拿的時候沒拿好把湯打翻，手燙到一下，這不怪店家",  # the customer's own spill
    "@brand your own rep told me to 'go complain to the FCC if I don't like it'",  # staff's suggestion
    "Was going to report you to the FTC but honestly it's not worth my time",  # a thought, not a contact
    "The CQC inspector's report on Oakfield came out today: Outstanding across the board",  # praise
    "Sat in A&E with my dad's broken wrist (he tripped over the dog at home, nobody's fault)",
    "看新闻外地有个小区电梯坠落，我们小区电梯倒是没啥事",  # someone else's, in the news
    "The tour guide was so boring I nearly died lol",
    "I'm not going to run to the attorney general over a $2 fee, but it's ridiculous",
    "开始吐槽到天亮",
    "Light works, no flicker, nothing dangerous, just sloppy",
    "I was all set to file with the CFPB over the transfer, but it finally posted, so never mind",
    "这瓶精华好像是假的，味道也跟专柜试用的不一样。用了倒是没过敏",
    "本來要打去給消保官申訴，結果業務隔天就把腳踏墊送來了，算了",
    "I wanted my mouth on fire and got baby food",
    "周末自己骑车摔了，胳膊打着石膏（跟你们没关系），买了个电动牙刷",
    "這家麻辣鍋真的辣到爆炸，吃完整個人在冒汗",
    "A year with the induction cooktop and the kids still can't burn themselves on it",
    "Read the news about that other brand's phones catching fire on flights. Glad I went with you",
    "麻辣小龙虾辣到我怀疑人生，嘴巴都快烧起来了",
    "The support rep told me to take it up with the FTC if I didn't like it",
    "每天会有服务员送上报纸，现在偶尔也送上小点心",
    "这种三无产品迟早要吃出人命，建议有关部门好好查查",
    "部風筒用咗一個月就唔出熱風，冇燒燶冇冒煙，總之就係壞咗",
    "隔籬枱個小朋友食到一半嘔咗出嚟，我哋嗰碟炒飯就又油又鹹",
    "自己削苹果走神，把手指头划了个口子，这个不怪刀",
    "Bag arrived two days late. Someone really should report this airline to the Commerce Commission",
    "手機才買一個月，充電時燙到不行，都不敢拿在手上",
    "这家麻辣香锅难吃到爆炸，油多得能再炒一锅",
    # probes-22 to -25 look-alikes
    "特辣锅底辣到嘴巴都着火了，但是好过瘾",
    "Those ghost pepper wings had my mouth on fire for an hour",
    "Saw on the news the NHTSA is looking into this engine; mine only has a radio glitch",
    "太苦了，儿子吃一口就吐了",
    "这种文风更适合去央视百家讲坛吹",
    "儿子骑车摔了，还好戴了这顶头盔，人完全没事",
    "酒店由市政府投资开发给外国专家的公寓改建",
    # probes-28 look-alikes
    "Nearly died laughing when I opened the 'king size' duvet cover",
    # the reach of "smoke" (70 characters) ends inside "carpet": "the car" is not a vehicle
    "Room smelled of old smoke, the sheets looked grey and the towels thin and worn out, "
    "and the carpet had stains",
    "世界上有两种人：一种人喝牛奶，另一种人不喝。只为点滴幸福",
    "鸡翅根全都没熟！里面还带血丝！",
    # probes-27 look-alikes: 中毒 as "hooked on it"
    "本來對這家雞排已經中毒，每個禮拜都叫，這次炸到乾乾硬硬的",
    "天天刷到同款自燃的新闻，我这台充电口盖还关不上",
    "Thanks to the new DOT refund rule I got my money back within a week",
    "我本身有偏头痛的老毛病，跟空服员要一杯温水吃药，等了半小时才拿来",
    "大堂经理说嫌慢你可以打12378投诉啊，态度很冲",
    "The CFPB website says to report a lost card right away, which I did. The card still hasn't come",
    "阿嬤上個月在家裡自己跌倒，出院後去日照中心，中心的午餐每天都是冷的",
    "Not the aquarium's fault that my son tripped over his own laces and grazed his knee",
    "I'd have scalded him if I'd trusted the bath thermometer. No harm done, he never went in",
    "第二天信用卡又扣了一次86元，打人工电话，客服说系统显示只扣了一次",
    "上周停车熄火后再启动，中控大屏一直黑屏，4S店说主板坏了",
    "最近看到好几条新闻说同品牌的电动车在停车场自燃，我的车一切正常",
    "delivery took so long I nearly died of hunger smh",
    "The courier shoved my parcel through the letterbox and left",
    "I thought about reporting the lot number to the FDA but honestly it's not worth the hassle",
    "Heats fine. (My neighbour swears his old one caught fire once, but mine's been no trouble)",
    "一打开就闻到阵怪味，一啖都冇食，惊食咗会食物中毒",
    "麻辣小龙虾一股臭味，一只都没敢吃，吃了肯定拉肚子",
    "This serum makes my cheeks a bit itchy for a few minutes, no redness",
    "干炒牛河里吃出一只苍蝇，差点吞下去，恶心死了",
    "快递包装严重受损，里面的瓶子也漏了",
    "送餐的速度超快，传统地道冒血旺味道正宗，吃的过瘾",
    "米里有石籽，硌到牙了。。。",
    "味道一般，干干巴巴的，吃到最后有点想吐",
    "早餐难吃，关上窗，6平米的房间闷的我们喘不过气",
    "宾馆反馈：感谢您入住我店。餐厅蝇虫问题饭店一直都在积极联系卫生防疫部门，对蝇虫进行消杀",
    "燃气热水器水温忽冷忽热，煤气味倒是没有，就是温度不稳定",
    # eval/mined-level1 (real corpus texts the rules graded level 1): figures of speech and other senses
    "前台也要试探着给你换成吸烟区，真真被打败了！",
    "一晚上打了我三个电话，就因为我登记时用的是驾驶证",
    "一次性拖鞋结账时要18元，抢劫啊！第一次碰到拖鞋要钱的",
    "蒙牛:每天一杯奶，强奸中国人。这广告太坑爹了",
    "苹果很小颗，新鲜程度也很一般，颜色暗淡，脱水。",
    "分辨率太差了。伤眼睛。",
    "外观发霉变质溃烂等等请看照片",
    "有的都摔的很多淤青了，个头也小很多",
    "穿在身上掉色严重，连续盐水泡了1天洗了之后还是掉色",
    "存后接的电话才会显示来电人名",
    "通话时会有电流滋滋的声音，有点刺耳",
    "投诉后还有理说是响应政府号召:节约能耗",
    "房间有一种令人想吐的气味，就像地拖拖完地以后没有洗的那种",
    "风扇发出很尖锐的高频声音，安静的时候很是不爽",
    "有时无来电显示。体重也超标了点。",
    "3菜1汤和1盒饭竟然要了我120。贵是贵，不过忍了",
    "不断地给自己补充新鲜血液，让自己保持一颗年轻的心",
    "晚上要总台送把水果刀和汤勺，得到的回复是没有这项服务，晕倒！！",
    "虽然有强制排气 还是有点煤气味道 清洁程度很好",
    "送货很快，又一个果好像被虫子咬了，其他都很满意。",
    "螺蛳粉那个味儿太臭了，闻着就想吐，一口没吃直接扔了",
    "烧水壶不会自动断电，幸好我就在旁边及时拔了插头，不然真要烫到手了",
    "看网上有人说喝了拉肚子，我喝了一箱啥事没有，就是口感比以前稀了",
    "房间吵到爆炸，半夜换房说没有，气得我冒烟，插座电视倒都还正常",
    "My Amazon driver absolutely assaulted my ears with his horn at 6am lol.",
    "吃了这顿饭，拉了一晚上的脸，咸得要命，份量还少",
    "浴室角落黄迹斑斑，手巾粗得能搓掉一层皮",
    "说是大果 到手跟乒乓球差不多大 还有两个磕破了",
    "分门别类的介绍了很多外敷、内调的方子。正在按书中的一篇治痘痘，期待效果。",
    "看评论好多人说吃了拉肚子，我还有点怕，结果吃了两次都没事。",
    "下午拉肚子了，不过是我自己早上喝了冰奶茶，跟这家没关系。",
    "最近熬夜脸上长痘痘了，跟这洗发水没关系哈，就是这个洗完下午就油",
    "看到这种一挤就漏的瓶盖我都要过敏了，每次洗头挤一手",
    "第二天发现车胎扎了钉子瘪了。朋友说该去旅游局投诉，我嫌麻烦就没去。",
    "用了以后头皮都要被抓烂了，一天就奇痒无比，再也不在京东买洗发水了",
    "杯子用前自己洗时，摸到划手的结痂，也不想用了",
    "Flight cancelled, refund refused. The agent at the desk said 'complain to the DOT if you want' "
    "and walked off.",
    "Bought the car Saturday, Monday they dropped the price by $1,500 and won't match it.",
    "规格达不到直经只有6.5公分，一半达不到。",
    "他们的销售人员下预定单的时候就交代了她们，我晚上会到。",
    "THE CONTACT STATED THAT THE INFOTAINMENT SCREEN FROZE AND WENT BLACK WHILE PARKED.",
    "要的全素的给我送来的全是面，还说是我没写清楚，眼睛都有问题该去眼科看看了",
    "牛蛙很嫩 人均120左右，还会再来",
    "the new ghost pepper wings are actual FIRE 🔥🔥🔥 mouth still burning, 10/10 ordering again",
    "Kettle handle gets so hot you can barely hold it, feels like it'll melt one day. Returning it.",
    "Pull tab snapped off, had to dig out the opener. My mate sliced his thumb on a can like this last year.",
    "@AskRide driver refused pickup and kept saying cancel or you'll be charged. Threatening me with a fee.",
    "看到原廠發了引擎熄火的召回公告，上網查了我的車身號碼，不在範圍內。",
    "Asked why my deposit has been on hold for 7 days and the rep said 'go file with the CFPB then' "
    "and disconnected.",
]


@pytest.mark.parametrize("text", LEVEL_1)
def test_harm_danger_and_authorities_are_level_1_by_a_rule(text: str) -> None:
    # GIVEN a text where harm happened, a defect clearly endangers people, or a regulator or the
    # media is contacted
    # WHEN graded
    result = GRADER.grade(text)
    # THEN a level-1 rule (not the model) says so, quoting the customer's words
    assert result.level == 1
    quoted = [r.evidence for r in result.reasons if r.rule in RULES_OF_LEVEL_1]
    assert quoted and all(q and q in text for q in quoted)


@pytest.mark.parametrize("text", NOT_LEVEL_1)
def test_look_alikes_are_not_level_1(text: str) -> None:
    # GIVEN a negation, figurative speech, a burst without danger, a hypothetical, someone else's
    # suggestion or news, the customer's own unrelated mishap, a number, or a fear only
    # WHEN graded
    result = GRADER.grade(text)
    # THEN no level-1 rule fires
    assert not RULES_OF_LEVEL_1 & {r.rule for r in result.reasons}


def test_an_object_that_injures_needs_something_eaten() -> None:
    # GIVEN the same object in food and in a garment bag
    in_food = GRADER.grade("饺子里吃出了一根铁丝")
    elsewhere = GRADER.grade("包装袋里有一根铁丝，用来固定衣服的")
    # THEN only the one found in food is a safety case
    assert in_food.level == 1
    assert elsewhere.level != 1


def test_a_regulator_named_by_staff_is_not_the_customers_contact() -> None:
    # GIVEN the customer calling 12315, and staff telling the customer to
    called = GRADER.grade("我已经打了12315投诉你们")
    told = GRADER.grade("客服说你可以去打12315，态度很差")
    # THEN only the customer's own contact is level 1 (R-GRADE-1c)
    assert called.level == 1 and "R-GRADE-1c" in {r.rule for r in called.reasons}
    assert "R-GRADE-1c" not in {r.rule for r in told.reasons}


@pytest.mark.parametrize(
    "text",
    [
        "我们已经向市场监管局举报了",
        "猫友群里十几家都是同一批次出的事，我们已经联名举报到市场监管局",
        "我们也打了12315",
        "三十几个家长的钱都拿不回来，我们已经联系了电视台的记者",
    ],
)
def test_customers_who_speak_as_we_contacted_a_regulator_or_the_media(text: str) -> None:
    # GIVEN customers reporting together ("we"), not staff answering for a shop
    # WHEN graded
    result = GRADER.grade(text)
    # THEN their own contact is level 1 (R-GRADE-1c): "we have" is no reply of staff
    assert result.level == 1 and "R-GRADE-1c" in {r.rule for r in result.reasons}


def test_a_shops_reply_passing_feedback_to_the_relevant_department_is_no_regulator() -> None:
    # GIVEN a hotel's reply under a review: the guest's words passed to "the relevant department"
    text = "房间不错，早餐一般。酒店回复：有关您反映的袋泡茶质量问题，我们已向相关部门反馈，并将做相应调整"
    # WHEN graded
    result = GRADER.grade(text)
    # THEN no regulator was contacted: it is not level 1
    assert result.level != 1 and "R-GRADE-1c" not in {r.rule for r in result.reasons}


def test_a_stated_hazard_counts_but_a_fear_does_not() -> None:
    # GIVEN a sharp edge that cuts hands as a fact, and only a fear of it
    stated = GRADER.grade("杯子边缘很锋利，容易割手")
    feared = GRADER.grade("担心杯子边缘很锋利会割手，还没用")
    assert stated.level == 1
    assert feared.level != 1


@pytest.mark.parametrize(
    "text",
    [
        "看新闻说这个牌子的充电宝起火，结果我的充电宝也鼓包了",
        "看新闻说这牌子起火，我的电池也鼓包了",
        "Saw on the news that these chargers overheat, and mine melted into the socket last night.",
    ],
)
def test_news_then_the_customers_own_case_is_level_1(text: str) -> None:
    # GIVEN news of others, and then the customer's own harm in the same sentence
    # WHEN graded
    result = GRADER.grade(text)
    # THEN the customer's own case stands (R-GRADE-1a)
    assert result.level == 1 and "R-GRADE-1a" in {r.rule for r in result.reasons}


def test_a_policy_without_a_hearsay_context_voids_nothing_by_it(tmp_path) -> None:
    # GIVEN a policy copy whose grading.yaml has no hearsay context (an older policy file)
    import yaml

    directory = copy_policies(tmp_path / "policies")
    grading = yaml.safe_load((directory / "grading.yaml").read_text(encoding="utf-8"))
    del grading["context"]["hearsay"]
    (directory / "grading.yaml").write_text(yaml.safe_dump(grading, allow_unicode=True), encoding="utf-8")
    # WHEN it grades news of someone else's fire
    grader = Grader.from_policy(load_policy(directory))
    result = grader.grade("刚看到新闻，外地有一个小区的电动车在楼道里充电时起火了，好几户都被熏了")
    # THEN it loads, and the news is read as before: the fire stands
    assert "R-GRADE-1a" in {r.rule for r in result.reasons}


@pytest.mark.parametrize(
    "text",
    [
        "客服回我一句不满意可以去消协，态度太差了",
        "朋友说这种事可以去找律师，我觉得没必要，换个新的就好",
        "My sister says I should report them to the BBB, I just want the lamp replaced.",
        "我是律师，开庭前订的早餐迟到了四十分钟",
        "酒店就在法院旁边，很好找，就是房间太吵",
        "高仿真的绿萝放了一个月就褪色了",
        "The fake leather on the armrest is already peeling after a month.",
        "请问自动续费在哪里关闭？",
        # stop 31: someone else's lawyer, a consumer body as a landmark or a test report, a lawyer
        # declined, a lawyer by trade, a joke
        "The woman behind me kept shouting she'd call her lawyer; the queue itself was just slow.",
        "就在消协楼下那家店，空调坏了一周没人修",
        "我不会去找什么律师，就是告诉你们鞋子开胶了",
        "I'm a criminal lawyer and the room next to the lift kept me up all night",
        "看了消基会的测试报告才买的，结果水箱漏水",
        "这杯奶茶甜到我想起诉你们😂",
        "安装师傅很好，没有乱收费，加热也快",
    ],
)
def test_level_2_look_alikes_are_not_level_2(text: str) -> None:
    # GIVEN someone else's suggestion of a consumer body or a lawyer, a lawyer by trade, a court as a
    # landmark, a realistic (高仿真) or fake-leather product, a how-to question about auto-renewal
    # WHEN graded
    result = GRADER.grade(text)
    # THEN no level-2 signal stands (R-GRADE-2)
    assert not {"legal_threat", "counterfeit_claim", "billing_error"} & set(result.signals)


def test_a_concept_that_includes_an_unknown_concept_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown concept '@nowhere'"):
        ConceptLexicon.model_validate(
            {
                "concepts": {
                    "food": {"rule": "R-GRADE-1a", "role": "context", "about": "food", "zh": ["@nowhere"]}
                }
            }
        )


def test_a_concept_that_includes_itself_is_refused() -> None:
    concepts = {
        "a": {"rule": "R-GRADE-1a", "role": "context", "about": "a thing", "zh": ["@b"]},
        "b": {"rule": "R-GRADE-1a", "role": "context", "about": "b thing", "zh": ["@a"]},
    }
    with pytest.raises(ValueError, match="includes itself"):
        ConceptLexicon.model_validate({"concepts": concepts})


@pytest.mark.parametrize(
    ("file", "old", "new", "named"),
    [
        # a rule naming a concept concepts.yaml does not have
        ("grading.yaml", '"@electric_shock"', '"@electric_shocks"', "electric_shocks"),
        # a cue with '*' inside it, which the matcher would never match
        ("grading.yaml", '"unauthorized charge*"', '"unauthori* charge*"', "unauthori* charge*"),
        # a concept phrase with '*' inside it ("k*** my ass"), which would stop the grader being built
        ("concepts.yaml", '"kick my ass"', '"k*** my ass"', "k*** my ass"),
        # the least a complaint may say, negative
        ("grading.yaml", "  min_content_words: 2\n", "  min_content_words: -1\n", "min_content_words"),
    ],
)
def test_a_broken_grading_policy_stops_loading_naming_the_file_and_the_fault(
    tmp_path, file: str, old: str, new: str, named: str
) -> None:
    # GIVEN a copy of the policies with one fault written into one file
    directory = copy_policies_editing(tmp_path, file, old, new)
    # WHEN loaded
    with pytest.raises(PolicyError) as error:
        load_policy(directory)
    # THEN loading stops, before any grader is built, with the file and the fault named
    assert str(directory / file) in str(error.value)
    assert named in str(error.value)


def test_a_consumer_foundation_complaint_is_level_2_and_unauthorized_charges_a_billing_error() -> None:
    # GIVEN Taiwan's consumer foundation (R-GRADE-2b) and unauthorized card charges (R-GRADE-2a)
    # WHEN graded
    foundation = GRADER.grade("已經向消基會投訴")
    charges = GRADER.grade("Unauthorized charges on my credit card, the bank refuses to refund them.")
    # THEN both are level 2 by their rule
    assert foundation.level == 2 and "R-GRADE-2b" in {r.rule for r in foundation.reasons}
    assert charges.level == 2 and charges.category == "transaction"


@pytest.mark.parametrize("text", ["麻痹的，死京东发票都没有开", "吃着很甜，就是发票还没有"])
def test_an_invoice_not_issued_is_level_2_however_it_is_said(text: str) -> None:
    # GIVEN a missing invoice said with 都 or 还 (R-GRADE-2a) WHEN graded THEN the invoice signal stands
    assert "invoice_problem" in GRADER.grade(text).signals


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        # a model number ("No.3") is no negation of a fake (stop 32, eval/probes-76)
        ("@amazon the 'Olaplex No.3' I got is fake, different font and watery", "counterfeit_claim"),
        ("下单的时候选的增值税专票，寄过来是张普票，申请了一个礼拜没人理", "invoice_problem"),
        ("sent my laptop in under warranty and you're denying it for 'liquid damage'", "warranty_dispute"),
        ("退房的时候说押金原路退回，现在十天了，信用卡上还冻着500", "billing_error"),
        ("这台热水器半年修了三回了，这都第四次了", "repeated_repair"),
        ("下单前客服报的安装费全包120，师傅装完收了我340", "billing_error"),
        ("A week later $650 comes out of my bond for a scratch marked at pickup", "billing_error"),
        ("This is the fourth time your roofer has been out for the same leak", "repeated_repair"),
        ("定制的衣柜比图纸矮了12公分，门也关不严", "custom_order_mismatch"),
        ("I've instructed a solicitor and you'll be hearing from her this week", "legal_threat"),
        ("I have already drafted my complaint for the district consumer commission", "legal_threat"),
        ("These pods aren't genuine, full stop. You're selling fakes.", "counterfeit_claim"),
        ("呢對波鞋明明係老翻，仲話係正貨", "counterfeit_claim"),
        ("变速箱顿挫、发动机异响，三次进店维修仍未解决", "repeated_repair"),
        ("4th visit for the same check engine light, P0420 again", "repeated_repair"),
        ("八達通喺閘口嘟咗兩次，扣咗我兩次車費", "billing_error"),
        ("游泳馆年卡十月份就申请停了，结果还是每个月自动扣399", "billing_error"),
        ("这家培训机构开了张普票，还把公司名字打错了", "invoice_problem"),
        ("我準備入小額錢債審裁處告佢", "legal_threat"),
        ("If this isn't settled this month I'll be getting a solicitor involved", "legal_threat"),
        ("Need a VAT receipt for an advance ticket for work, three emails unanswered", "invoice_problem"),
        ("Invoice came in at $2,940 with 'extras' nobody discussed", "billing_error"),
        ("Cancelled my membership in September and they've taken $54.99 every month since", "billing_error"),
        ("Fourth repair visit on the same dishwasher and it still leaks at the door", "repeated_repair"),
        ("報價寫1200，結帳刷了1580，客服說系統問題但不退差額", "billing_error"),
        ("They sent me a first copy watch, not the original I paid for", "counterfeit_claim"),
        ("AC compressor replaced 3 times in a year and it still blows warm", "repeated_repair"),
        ("They ran my card twice for the same dinner, both posted", "billing_error"),
        ("訂咗枱俾咗$500訂金，改期之後佢話訂金唔退", "billing_error"),
        ("这就是假奶粉，根本不是正品，还好意思叫旗舰店？", "counterfeit_claim"),
        ("Third repair on this fridge and it's still not cooling", "repeated_repair"),
        # stop 31 (eval/probes-59's kinds, in other words)
        ("我从来没有同意自动续费，会员费直接从卡里扣了", "billing_error"),
        ("办卡时说首年免年费，结果还是被收了年费", "billing_error"),
        ("The gym membership auto-renewed although I ticked do not auto-renew", "billing_error"),
        ("There's an overdraft fee on my statement but I was never overdrawn", "billing_error"),
        ("活动取消了，说好原路退回，一个月了一分钱没到", "billing_error"),
        ("Quoted $90 for the service, walked out paying $210", "billing_error"),
        ("网页写的包安装，实际收了我三百的材料费", "billing_error"),
        ("健身房的保证金说好两周退，现在两个月了还没退", "billing_error"),
        ("住完要正式收据报销，前台一直说没有", "invoice_problem"),
        ("呢对波鞋系翻版嚟，logo都印歪咗", "counterfeit_claim"),
        (
            "The laptop went to the repair center a second time and came back with the same problem",
            "repeated_repair",
        ),
        ("耳機自己壞的，原廠硬說人為不給保固", "warranty_dispute"),
        ("This is the fourth time I send the fridge to your service centre", "repeated_repair"),
        ("Checked out 6 weeks ago, the $1500 deposit until now still never return", "billing_error"),
        ("If this week still never settle I go report CASE, I not joking ah", "legal_threat"),
        ("Hindi po original yung sapatos na pinadala niyo, peke talaga", "counterfeit_claim"),
        ("You're refusing warranty on my headphones because of 'accidental damage'", "warranty_dispute"),
        ("4th engineer visit in 3 weeks and still no hot water", "repeated_repair"),
        ("订的菜没有了，换了个便宜的菜，说了多退少补，结果没把钱给我退回来", "billing_error"),
        ("航班原因我凌晨2点才到酒店，可酒店仍然收取20日房费", "billing_error"),
        ("维修弄了半个月也审核不通过，机子才用半个月就坏了", "warranty_dispute"),
        ("掉毛掉色，根本不正品班尼路", "counterfeit_claim"),
        ("宣传白条12期免息，今天查询白条总额多出一百多利息", "billing_error"),
        # stop 30 (eval/probes-45's kinds, in other words)
        ("鞋底开胶，售后说是使用不当，拒绝质保", "warranty_dispute"),
        ("部機保養期內壞咗，代理唔肯保養", "warranty_dispute"),
        ("上个月修过一次，拿回来没几天又黑屏了", "repeated_repair"),
        ("保内修完没两周，老毛病又犯了", "repeated_repair"),
        ("开出来的票抬头错了，公司财务不收", "invoice_problem"),
        ("报销要用的收据催了好几次，商家就是不开", "invoice_problem"),
        ("訂金收據話會寄，等咗一個月都未收到", "invoice_not_received"),
        ("合同写得明明白白，这个官司我打定了", "legal_threat"),
        ("剩下的課程費退不回來，我要去消保會申訴", "legal_threat"),
    ],
)
def test_level_2_kinds_told_in_everyday_words(text: str, signal: str) -> None:
    # GIVEN a wrong invoice type, a warranty refused, a deposit held, a fourth repair, a bill above
    # the quote (R-GRADE-2a) WHEN graded THEN the level-2 signal stands and the level is 2
    result = GRADER.grade(text)
    assert signal in result.signals
    assert result.level == 2


@pytest.mark.parametrize(
    ("text", "asserted"),
    [
        ("这是假货吗？", False),
        ("这就是假奶粉，根本不是正品，还好意思叫旗舰店？", True),
        ("电池鼓包了，为什么会这样？", True),
    ],
)
def test_a_question_voids_a_cue_unless_it_asks_why_or_taunts(text: str, asserted: bool) -> None:
    # GIVEN a cue followed by a question: a real doubt, a taunt (R-GRADE-2c), or a why about what happened
    # WHEN graded
    result = GRADER.grade(text)
    # THEN only the doubt leaves the cue unasserted
    assert (result.level < 3) is asserted, result.signals


@pytest.mark.parametrize(
    "text", ["正品不正品先不说，包装也太不用心了", "正不正品不知道，反正不好，洗了还会头痒"]
)
def test_an_open_question_of_genuineness_is_no_counterfeit_claim(text: str) -> None:
    # GIVEN a customer who leaves open whether the goods are genuine (R-GRADE-2c needs an assertion)
    # WHEN graded THEN no counterfeit claim is read
    assert "counterfeit_claim" not in GRADER.grade(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "我们几十位车主已经集体维权，同一个变速箱问题",
        "Forty of us sent a joint complaint about the same faulty heaters",
    ],
)
def test_customers_complaining_together_in_one_message_is_a_group_complaint(text: str) -> None:
    # GIVEN one message in which many customers complain of one problem together (R-GRADE-1b)
    # WHEN graded
    result = GRADER.grade(text)
    # THEN it is level 1 by the group-complaint rule, quoting the customer's words and tagged so
    assert result.level == 1
    assert any(r.rule == "R-GRADE-1b" and r.evidence in text for r in result.reasons)
    assert "group_complaint" in result.keyword_tags or "群体投诉" in result.keyword_tags


def test_a_suggestion_to_complain_together_is_no_group_complaint() -> None:
    # GIVEN a customer who only suggests that others complain together
    # WHEN graded THEN no group-complaint rule stands
    result = GRADER.grade("建议大家集体投诉这家店的售后")
    assert all(r.rule != "R-GRADE-1b" for r in result.reasons)
