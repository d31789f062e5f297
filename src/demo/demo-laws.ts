/** Demo laws: real Chinese laws and regulations with their document numbers; a few repealed ones. */
import type { LawLevel } from '../domain/catalog';

export interface DemoLaw {
  key: string;
  title: string;
  issuer: string;
  docNo: string;
  level: LawLevel;
  effectiveDate: string;
  repealedDate?: string;
  body?: string;
}

const NPC = '全国人民代表大会常务委员会';
const SC = '国务院';

export const DEMO_LAWS: DemoLaw[] = [
  {
    key: 'xzxk', title: '《中华人民共和国行政许可法》', issuer: NPC, docNo: '主席令第七号（2019年主席令第二十九号修正）', level: '法律', effectiveDate: '2004-07-01',
    body: '第三十条　行政机关应当将法律、法规、规章规定的有关行政许可的事项、依据、条件、数量、程序、期限以及需要提交的全部材料的目录和申请书示范文本等在办公场所公示。\n申请人要求行政机关对公示内容予以说明、解释的，行政机关应当说明、解释，提供准确、可靠的信息。\n第四十二条　除可以当场作出行政许可决定的外，行政机关应当自受理行政许可申请之日起二十日内作出行政许可决定。二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日，并应当将延长期限的理由告知申请人。',
  },
  {
    key: 'shuifa', title: '《中华人民共和国水法》', issuer: NPC, docNo: '主席令第七十四号', level: '法律', effectiveDate: '2002-10-01',
    body: '第七条　国家对水资源依法实行取水许可制度和有偿使用制度。但是，农村集体经济组织及其成员使用本集体经济组织的水塘、水库中的水的除外。\n第四十八条　直接从江河、湖泊或者地下取用水资源的单位和个人，应当按照国家取水许可制度和水资源有偿使用制度的规定，向水行政主管部门或者流域管理机构申请领取取水许可证，并缴纳水资源费，取得取水权。',
  },
  {
    key: 'qsxk', title: '《取水许可和水资源费征收管理条例》', issuer: SC, docNo: '国务院令第460号', level: '行政法规', effectiveDate: '2006-04-15',
    body: '第二条　本条例所称取水，是指利用取水工程或者设施直接从江河、湖泊或者地下取用水资源。\n取用水资源的单位和个人，除本条例第四条规定的情形外，都应当申请领取取水许可证，并缴纳水资源费。',
  },
  { key: 'qsxk-old', title: '《取水许可制度实施办法》', issuer: SC, docNo: '国务院令第119号', level: '行政法规', effectiveDate: '1993-09-01', repealedDate: '2006-04-15', body: '本办法已由《取水许可和水资源费征收管理条例》（国务院令第460号）废止。' },
  { key: 'sbf', title: '《中华人民共和国水土保持法》', issuer: NPC, docNo: '主席令第三十九号', level: '法律', effectiveDate: '2011-03-01', body: '第二十五条　在山区、丘陵区、风沙区以及水土保持规划确定的容易发生水土流失的其他区域开办可能造成水土流失的生产建设项目，生产建设单位应当编制水土保持方案，报县级以上人民政府水行政主管部门审批，并按照经批准的水土保持方案，采取水土流失预防和治理措施。' },
  { key: 'sbtl', title: '《中华人民共和国水土保持法实施条例》', issuer: SC, docNo: '国务院令第120号', level: '行政法规', effectiveDate: '1993-08-01' },
  { key: 'fhf', title: '《中华人民共和国防洪法》', issuer: NPC, docNo: '主席令第八十八号', level: '法律', effectiveDate: '1998-01-01' },
  { key: 'hdtl', title: '《中华人民共和国河道管理条例》', issuer: SC, docNo: '国务院令第3号', level: '行政法规', effectiveDate: '1988-06-10', body: '第十一条　修建开发水利、防治水害、整治河道的各类工程和跨河、穿河、穿堤、临河的桥梁、码头、道路、渡口、管道、缆线等建筑物及设施，建设单位必须按照河道管理权限，将工程建设方案报送河道主管机关审查同意。' },
  { key: 'zjhd', title: '《浙江省河道管理条例》', issuer: '浙江省人民代表大会常务委员会', docNo: '浙江省第十一届人民代表大会常务委员会公告第55号', level: '地方性法规', effectiveDate: '2012-01-01' },
  { key: 'zjszy', title: '《浙江省水资源管理条例》', issuer: '浙江省人民代表大会常务委员会', docNo: '浙江省第九届人民代表大会常务委员会公告第64号', level: '地方性法规', effectiveDate: '2002-10-01' },
  { key: 'sljc', title: '《水利工程质量检测管理规定》', issuer: '水利部', docNo: '水利部令第36号', level: '部门规章', effectiveDate: '2009-01-01' },
  { key: 'tdglf', title: '《中华人民共和国土地管理法》', issuer: NPC, docNo: '主席令第三十二号', level: '法律', effectiveDate: '2020-01-01' },
  { key: 'tdtl', title: '《中华人民共和国土地管理法实施条例》', issuer: SC, docNo: '国务院令第743号', level: '行政法规', effectiveDate: '2021-09-01' },
  { key: 'bdcdj', title: '《不动产登记暂行条例》', issuer: SC, docNo: '国务院令第656号', level: '行政法规', effectiveDate: '2015-03-01', body: '第十四条　因买卖、设定抵押权等申请不动产登记的，应当由当事人双方共同申请。\n第二十条　不动产登记机构应当自受理登记申请之日起30个工作日内办结不动产登记手续，法律另有规定的除外。' },
  { key: 'bdcxz', title: '《不动产登记暂行条例实施细则》', issuer: '国土资源部', docNo: '国土资源部令第63号', level: '部门规章', effectiveDate: '2016-01-01' },
  { key: 'tddj-old', title: '《土地登记办法》', issuer: '国土资源部', docNo: '国土资源部令第40号', level: '部门规章', effectiveDate: '2008-02-01', repealedDate: '2016-01-01', body: '本办法已由《不动产登记暂行条例实施细则》（国土资源部令第63号）废止。' },
  { key: 'ydys', title: '《建设项目用地预审管理办法》', issuer: '国土资源部', docNo: '国土资源部令第68号', level: '部门规章', effectiveDate: '2017-01-01' },
  { key: 'kczy', title: '《中华人民共和国矿产资源法》', issuer: NPC, docNo: '主席令第七十四号（1996年修正）', level: '法律', effectiveDate: '1997-01-01' },
  { key: 'kcdj', title: '《矿产资源开采登记管理办法》', issuer: SC, docNo: '国务院令第241号', level: '行政法规', effectiveDate: '1998-02-12' },
  { key: 'jzf', title: '《中华人民共和国建筑法》', issuer: NPC, docNo: '主席令第九十一号', level: '法律', effectiveDate: '1998-03-01', body: '第七条　建筑工程开工前，建设单位应当按照国家有关规定向工程所在地县级以上人民政府建设行政主管部门申请领取施工许可证。' },
  { key: 'jzzz', title: '《建筑业企业资质管理规定》', issuer: '住房和城乡建设部', docNo: '住房和城乡建设部令第22号', level: '部门规章', effectiveDate: '2015-03-01' },
  { key: 'sgxk', title: '《建筑工程施工许可管理办法》', issuer: '住房和城乡建设部', docNo: '住房和城乡建设部令第18号', level: '部门规章', effectiveDate: '2014-10-25' },
  { key: 'fdckf', title: '《城市房地产开发经营管理条例》', issuer: SC, docNo: '国务院令第248号', level: '行政法规', effectiveDate: '1998-07-20' },
  { key: 'fdczz', title: '《房地产开发企业资质管理规定》', issuer: '建设部', docNo: '建设部令第77号', level: '部门规章', effectiveDate: '2000-03-29' },
  { key: 'ysgl', title: '《城市商品房预售管理办法》', issuer: '建设部', docNo: '建设部令第131号', level: '部门规章', effectiveDate: '2004-07-20' },
  { key: 'fdcglf', title: '《中华人民共和国城市房地产管理法》', issuer: NPC, docNo: '主席令第二十九号', level: '法律', effectiveDate: '1995-01-01' },
  { key: 'spaq', title: '《中华人民共和国食品安全法》', issuer: NPC, docNo: '主席令第二十一号', level: '法律', effectiveDate: '2015-10-01', body: '第三十五条　国家对食品生产经营实行许可制度。从事食品生产、食品销售、餐饮服务，应当依法取得许可。但是，销售食用农产品和仅销售预包装食品的，不需要取得许可。' },
  { key: 'spjy-old', title: '《食品经营许可管理办法》', issuer: '国家食品药品监督管理总局', docNo: '国家食品药品监督管理总局令第17号', level: '部门规章', effectiveDate: '2015-10-01', repealedDate: '2023-12-01', body: '本办法已由《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）废止。' },
  { key: 'spjy', title: '《食品经营许可和备案管理办法》', issuer: '国家市场监督管理总局', docNo: '国家市场监督管理总局令第78号', level: '部门规章', effectiveDate: '2023-12-01' },
  { key: 'tzsb', title: '《中华人民共和国特种设备安全法》', issuer: NPC, docNo: '主席令第四号', level: '法律', effectiveDate: '2014-01-01' },
  { key: 'tzsbtl', title: '《特种设备安全监察条例》', issuer: SC, docNo: '国务院令第549号', level: '行政法规', effectiveDate: '2009-05-01' },
  { key: 'gycp', title: '《中华人民共和国工业产品生产许可证管理条例》', issuer: SC, docNo: '国务院令第440号', level: '行政法规', effectiveDate: '2005-09-01' },
  { key: 'jlf', title: '《中华人民共和国计量法》', issuer: NPC, docNo: '主席令第二十八号', level: '法律', effectiveDate: '1986-07-01' },
  { key: 'dlys', title: '《中华人民共和国道路运输条例》', issuer: SC, docNo: '国务院令第406号', level: '行政法规', effectiveDate: '2004-07-01' },
  { key: 'dlkc', title: '《道路旅客运输及客运站管理规定》', issuer: '交通运输部', docNo: '交通运输部令2020年第17号', level: '部门规章', effectiveDate: '2020-09-01' },
  { key: 'dlhy', title: '《道路货物运输及站场管理规定》', issuer: '交通运输部', docNo: '交通运输部令2019年第17号', level: '部门规章', effectiveDate: '2019-06-21' },
  { key: 'glf', title: '《中华人民共和国公路法》', issuer: NPC, docNo: '主席令第八十六号', level: '法律', effectiveDate: '1998-01-01' },
  { key: 'glaq', title: '《公路安全保护条例》', issuer: SC, docNo: '国务院令第593号', level: '行政法规', effectiveDate: '2011-07-01' },
  { key: 'jpgl', title: '《机动车驾驶员培训管理规定》', issuer: '交通运输部', docNo: '交通运输部令2016年第51号', level: '部门规章', effectiveDate: '2016-04-21' },
  { key: 'hpf', title: '《中华人民共和国环境影响评价法》', issuer: NPC, docNo: '主席令第七十七号', level: '法律', effectiveDate: '2003-09-01', body: '第二十二条　建设项目的环境影响报告书、报告表，由建设单位按照国务院的规定报有审批权的生态环境主管部门审批。\n审批部门应当自收到环境影响报告书之日起六十日内，收到环境影响报告表之日起三十日内，分别作出审批决定并书面通知建设单位。' },
  { key: 'jshb', title: '《建设项目环境保护管理条例》', issuer: SC, docNo: '国务院令第682号', level: '行政法规', effectiveDate: '2017-10-01' },
  { key: 'pwxk', title: '《排污许可管理条例》', issuer: SC, docNo: '国务院令第736号', level: '行政法规', effectiveDate: '2021-03-01' },
  { key: 'gf', title: '《中华人民共和国固体废物污染环境防治法》', issuer: NPC, docNo: '主席令第四十三号', level: '法律', effectiveDate: '2020-09-01' },
  { key: 'wfjy', title: '《危险废物经营许可证管理办法》', issuer: SC, docNo: '国务院令第408号', level: '行政法规', effectiveDate: '2004-07-01' },
  { key: 'fsaq', title: '《放射性同位素与射线装置安全和防护条例》', issuer: SC, docNo: '国务院令第449号', level: '行政法规', effectiveDate: '2005-12-01' },
  { key: 'ysf-old', title: '《中华人民共和国执业医师法》', issuer: NPC, docNo: '主席令第五号', level: '法律', effectiveDate: '1999-05-01', repealedDate: '2022-03-01', body: '本法已由《中华人民共和国医师法》（主席令第九十四号）废止。' },
  { key: 'ysf', title: '《中华人民共和国医师法》', issuer: NPC, docNo: '主席令第九十四号', level: '法律', effectiveDate: '2022-03-01' },
  { key: 'yljg', title: '《医疗机构管理条例》', issuer: SC, docNo: '国务院令第149号', level: '行政法规', effectiveDate: '1994-09-01' },
  { key: 'ggcs', title: '《公共场所卫生管理条例》', issuer: SC, docNo: '国发〔1987〕24号', level: '行政法规', effectiveDate: '1987-04-01' },
  { key: 'yys', title: '《生活饮用水卫生监督管理办法》', issuer: '建设部、卫生部', docNo: '建设部、卫生部令第53号', level: '部门规章', effectiveDate: '1997-01-01' },
  { key: 'fszl', title: '《放射诊疗管理规定》', issuer: '卫生部', docNo: '卫生部令第46号', level: '部门规章', effectiveDate: '2006-03-01' },
  { key: 'gf2014', title: '《国务院关于取消和下放一批行政审批项目的决定》', issuer: SC, docNo: '国发〔2014〕5号', level: '规范性文件', effectiveDate: '2014-01-28' },
  { key: 'sxfl', title: '《浙江省人民政府关于公布省级行政审批事项下放目录的通知》', issuer: '浙江省人民政府', docNo: '浙政发〔2014〕13号', level: '规范性文件', effectiveDate: '2014-04-01' },
];
