/** Demo content modeled on the seed report's center: its departments, items and bulletin categories. */
import type { Role } from '../domain/model';

export const DEMO_DEPARTMENTS = [
  { code: 'SLJ', name: '市水利局', window: { code: 'W01', name: '水利窗口', location: '中心二楼 A 区 01 号窗口' } },
  { code: 'GTJ', name: '市国土资源局', window: { code: 'W05', name: '国土资源窗口', location: '中心二楼 B 区 05 号窗口' } },
  { code: 'ZJJ', name: '市住建局', window: { code: 'W09', name: '住建窗口', location: '中心三楼 A 区 09 号窗口' } },
  { code: 'SCJ', name: '市市场监管局', window: { code: 'W13', name: '市场监管窗口', location: '中心一楼 C 区 13 号窗口' } },
  { code: 'JTJ', name: '市交通运输局', window: { code: 'W17', name: '交通运输窗口', location: '中心一楼 D 区 17 号窗口' } },
  { code: 'STJ', name: '市生态环境局', window: { code: 'W21', name: '生态环境窗口', location: '中心三楼 B 区 21 号窗口' } },
  { code: 'WJW', name: '市卫生健康委', window: { code: 'W25', name: '卫生健康窗口', location: '中心三楼 C 区 25 号窗口' } },
] as const;

export const DEMO_STAFF: { username: string; displayName: string; role: Role; department: string | null }[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', department: null },
  { username: 'shuili', displayName: '王晓燕', role: 'window_staff', department: 'SLJ' },
  { username: 'shuili_lead', displayName: '陈建国', role: 'supervisor', department: 'SLJ' },
  { username: 'guotu', displayName: '刘志强', role: 'window_staff', department: 'GTJ' },
  { username: 'zhujian', displayName: '周丽萍', role: 'window_staff', department: 'ZJJ' },
  { username: 'shichang', displayName: '吴海涛', role: 'window_staff', department: 'SCJ' },
  { username: 'jiaotong', displayName: '郑文博', role: 'window_staff', department: 'JTJ' },
  { username: 'shengtai', displayName: '林雅琴', role: 'window_staff', department: 'STJ' },
  { username: 'weijian', displayName: '何嘉怡', role: 'window_staff', department: 'WJW' },
  // 政府信息公开: the office (办公室) reviews, the 网管员 publishes (seed report, 工作机构).
  { username: 'office', displayName: '方丽华', role: 'office_reviewer', department: null },
  { username: 'webmaster', displayName: '徐立新', role: 'webmaster', department: null },
];

export interface DemoItem {
  code: string;
  name: string;
  category: string;
  department: string;
  statutoryDays: number;
  promisedDays: number;
  resultValidity: string;
  resultsPublic?: boolean;
  status?: 'in_force' | 'cancelled';
  decisionPrefix: string;
}


export const DEMO_ITEMS: DemoItem[] = [
  { code: 'SLJ-001', name: '取水许可', category: '取水许可', department: 'SLJ', statutoryDays: 20, promisedDays: 10, resultValidity: '5年', decisionPrefix: '衢水许' },
  { code: 'SLJ-002', name: '生产建设项目水土保持方案审批', category: '水土保持方案', department: 'SLJ', statutoryDays: 20, promisedDays: 12, resultValidity: '长期', decisionPrefix: '衢水保' },
  { code: 'SLJ-003', name: '河道管理范围内建设项目工程建设方案审批', category: '涉河建设审批', department: 'SLJ', statutoryDays: 20, promisedDays: 15, resultValidity: '3年', decisionPrefix: '衢水河' },
  { code: 'SLJ-004', name: '水利工程质量检测单位资质审批', category: '企业资质审批', department: 'SLJ', statutoryDays: 20, promisedDays: 15, resultValidity: '3年', decisionPrefix: '衢水资' },
  { code: 'GTJ-001', name: '国有建设用地使用权首次登记', category: '土地登记', department: 'GTJ', statutoryDays: 20, promisedDays: 7, resultValidity: '长期', decisionPrefix: '衢国土登' },
  { code: 'GTJ-002', name: '集体土地使用权变更登记', category: '土地登记', department: 'GTJ', statutoryDays: 20, promisedDays: 10, resultValidity: '长期', decisionPrefix: '衢国土变' },
  { code: 'GTJ-003', name: '建设项目用地预审', category: '建设用地审批', department: 'GTJ', statutoryDays: 20, promisedDays: 15, resultValidity: '3年', decisionPrefix: '衢国土预' },
  { code: 'GTJ-004', name: '采矿权新立登记', category: '矿业权审批', department: 'GTJ', statutoryDays: 40, promisedDays: 30, resultValidity: '按批准年限', decisionPrefix: '衢国土矿' },
  { code: 'ZJJ-001', name: '建筑业企业资质核准', category: '企业资质审批', department: 'ZJJ', statutoryDays: 20, promisedDays: 15, resultValidity: '5年', decisionPrefix: '衢建资' },
  { code: 'ZJJ-002', name: '房地产开发企业资质核定', category: '企业资质审批', department: 'ZJJ', statutoryDays: 20, promisedDays: 10, resultValidity: '3年', decisionPrefix: '衢建房' },
  { code: 'ZJJ-003', name: '建筑工程施工许可', category: '施工许可', department: 'ZJJ', statutoryDays: 15, promisedDays: 5, resultValidity: '3个月内开工', decisionPrefix: '衢建施' },
  { code: 'ZJJ-004', name: '商品房预售许可', category: '房地产审批', department: 'ZJJ', statutoryDays: 20, promisedDays: 10, resultValidity: '长期', decisionPrefix: '衢建预' },
  { code: 'SCJ-001', name: '食品经营许可', category: '食品许可', department: 'SCJ', statutoryDays: 20, promisedDays: 10, resultValidity: '5年', decisionPrefix: '衢市监食' },
  { code: 'SCJ-002', name: '特种设备安装改造维修许可', category: '企业资质审批', department: 'SCJ', statutoryDays: 20, promisedDays: 15, resultValidity: '4年', decisionPrefix: '衢市监特' },
  { code: 'SCJ-003', name: '工业产品生产许可（省级下放）', category: '企业资质审批', department: 'SCJ', statutoryDays: 20, promisedDays: 15, resultValidity: '5年', decisionPrefix: '衢市监产' },
  { code: 'JTJ-001', name: '道路旅客运输经营许可', category: '道路运输许可', department: 'JTJ', statutoryDays: 20, promisedDays: 10, resultValidity: '4年', decisionPrefix: '衢交运客' },
  { code: 'JTJ-002', name: '道路货物运输经营许可', category: '道路运输许可', department: 'JTJ', statutoryDays: 20, promisedDays: 5, resultValidity: '长期', decisionPrefix: '衢交运货' },
  { code: 'JTJ-003', name: '公路超限运输许可', category: '公路路政许可', department: 'JTJ', statutoryDays: 15, promisedDays: 5, resultValidity: '单次有效', decisionPrefix: '衢交路超' },
  { code: 'JTJ-004', name: '涉路施工许可', category: '公路路政许可', department: 'JTJ', statutoryDays: 20, promisedDays: 10, resultValidity: '按批准工期', decisionPrefix: '衢交路施' },
  { code: 'JTJ-005', name: '机动车驾驶员培训许可', category: '道路运输许可', department: 'JTJ', statutoryDays: 20, promisedDays: 15, resultValidity: '长期', decisionPrefix: '衢交驾培' },
  { code: 'STJ-001', name: '建设项目环境影响报告书审批', category: '环境影响评价审批', department: 'STJ', statutoryDays: 60, promisedDays: 30, resultValidity: '5年', decisionPrefix: '衢环建' },
  { code: 'STJ-002', name: '建设项目环境影响报告表审批', category: '环境影响评价审批', department: 'STJ', statutoryDays: 30, promisedDays: 15, resultValidity: '5年', decisionPrefix: '衢环表' },
  { code: 'STJ-003', name: '排污许可证核发', category: '排污许可', department: 'STJ', statutoryDays: 20, promisedDays: 15, resultValidity: '5年', decisionPrefix: '衢环排' },
  { code: 'STJ-004', name: '危险废物经营许可证核发', category: '企业资质审批', department: 'STJ', statutoryDays: 20, promisedDays: 18, resultValidity: '5年', decisionPrefix: '衢环危' },
  { code: 'STJ-005', name: '辐射安全许可证核发', category: '辐射安全许可', department: 'STJ', statutoryDays: 20, promisedDays: 15, resultValidity: '5年', decisionPrefix: '衢环辐' },
  { code: 'WJW-001', name: '医疗机构执业登记', category: '医疗机构审批', department: 'WJW', statutoryDays: 45, promisedDays: 20, resultValidity: '5年', decisionPrefix: '衢卫医' },
  { code: 'WJW-002', name: '医师执业注册', category: '执业注册', department: 'WJW', statutoryDays: 20, promisedDays: 5, resultValidity: '长期', decisionPrefix: '衢卫师' },
  { code: 'WJW-003', name: '公共场所卫生许可', category: '卫生许可', department: 'WJW', statutoryDays: 20, promisedDays: 7, resultValidity: '4年', decisionPrefix: '衢卫公' },
  { code: 'WJW-004', name: '饮用水供水单位卫生许可', category: '卫生许可', department: 'WJW', statutoryDays: 20, promisedDays: 10, resultValidity: '4年', decisionPrefix: '衢卫水' },
  { code: 'WJW-005', name: '放射诊疗许可', category: '卫生许可', department: 'WJW', statutoryDays: 20, promisedDays: 15, resultValidity: '长期（每年校验）', decisionPrefix: '衢卫放' },
  { code: 'SCJ-009', name: '计量器具制造许可', category: '企业资质审批', department: 'SCJ', statutoryDays: 20, promisedDays: 15, resultValidity: '3年', status: 'cancelled', decisionPrefix: '衢市监计' },
];

export const DEMO_PERSONS = ['张伟', '李娜', '王芳', '刘洋', '陈静', '杨帆', '赵磊', '黄丽', '周杰', '吴敏', '徐强', '孙悦', '欧阳娜娜', '诸葛明'];

export const DEMO_ORGANIZATIONS = [
  '衢州市清源水务有限公司',
  '浙江衢江建设集团有限公司',
  '衢州市鑫达房地产开发有限公司',
  '龙游县石材矿业有限公司',
  '衢州市柯城区绿野农业开发有限公司',
  '江山市恒通特种设备工程有限公司',
  '衢州巨化新材料有限公司',
  '衢州市衢江区味香食品有限公司',
  '常山县胡柚产业发展有限公司',
  '开化县钱江源生态旅游开发有限公司',
  '衢州市智造工业园区开发有限公司',
  '浙江衢州华星建筑工程有限公司',
];

export const DEMO_PROJECTS = [
  '衢江区水厂扩建工程',
  '乌溪江引水二期工程',
  '智造新城标准厂房项目',
  '衢州高铁新城安置房项目',
  '巨化新材料产业园配套管网工程',
  '常山港堤防加固工程',
  '柯城区滨江商住小区（一期）',
  '龙游石材矿区整治项目',
  '开化县乡村旅游综合体',
  '衢州市第二人民医院扩建工程',
];
