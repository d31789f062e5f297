/** OpenAPI 3.1 description of /api/v1; a test keeps it in step with the router. */
const errorRef = { $ref: '#/components/responses/Error' };
const json = (schema: object) => ({ 'application/json': { schema } });
const queryNoParam = {
  name: 'queryNo',
  in: 'path',
  required: true,
  description: '查询号，任意输入形式（大小写、空格、短横线、全角字符均可）',
  schema: { type: 'string' },
};
const stage = {
  type: 'object',
  required: ['code', 'label'],
  properties: { code: { $ref: '#/components/schemas/StageCode' }, label: { type: 'string' } },
};

const clockProperties = {
  dueDate: { type: ['string', 'null'], format: 'date', description: '到期日（北京时间日期）；期限待定时为 null' },
  workingDaysLeft: { type: ['integer', 'null'], description: '剩余工作日；负数为已逾期的工作日数' },
  pausedDays: { type: 'integer', description: '特别程序暂停计时的工作日数（第四十五条）' },
  clockStatus: { $ref: '#/components/schemas/ClockStatus' },
  clockKind: { enum: ['acceptance', 'decision', 'certificate', 'none'], description: '受理期限 / 办结期限 / 制证期限' },
  statutoryDueDate: { type: ['string', 'null'], format: 'date', description: '法定期限到期日' },
  extensionDays: { type: 'integer' },
  deemedAccepted: { type: 'boolean', description: '逾期未告知补正，视为受理（第三十二条）' },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: '办件通 Permit Tracker API',
    version: '1.0.0',
    description:
      '行政服务中心办件查询与许可结果公告接口。错误一律为 {"error": {"code", "message", "fields"?}}。工作人员接口需 Authorization: Bearer <token>。',
  },
  servers: [{ url: '/api/v1' }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    responses: {
      Error: { description: '错误', content: json({ $ref: '#/components/schemas/Error' }) },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              fields: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
        },
      },
      ClockStatus: {
        type: 'string',
        enum: ['normal', 'due_soon', 'overdue', 'paused', 'undetermined', 'stopped'],
      },
      StageCode: {
        type: 'string',
        enum: [
          'submitted',
          'supplement_requested',
          'accepted',
          'not_accepted',
          'under_review',
          'special_procedure',
          'approved',
          'denied',
          'certificate_issued',
          'completed',
          'withdrawn',
        ],
      },
      Department: {
        type: 'object',
        required: ['code', 'name'],
        properties: { code: { type: 'string' }, name: { type: 'string' } },
      },
      Item: {
        type: 'object',
        required: ['code', 'name', 'category', 'department', 'statutoryDays', 'promisedDays'],
        properties: {
          code: { type: 'string' },
          name: { type: 'string' },
          category: { type: 'string' },
          department: { $ref: '#/components/schemas/Department' },
          statutoryDays: { type: 'integer', description: '法定时限（工作日）' },
          promisedDays: { type: 'integer', description: '承诺时限（工作日）' },
        },
      },
      ItemGuide: {
        type: 'object',
        required: ['code', 'name', 'department', 'inForce', 'materials', 'steps', 'fees', 'legalBasis'],
        properties: {
          code: { type: 'string' },
          name: { type: 'string' },
          category: { type: 'string' },
          department: { $ref: '#/components/schemas/Department' },
          statutoryDays: { type: 'integer' },
          promisedDays: { type: 'integer' },
          itemType: { type: 'string' },
          caseType: { enum: ['即办件', '承诺件'] },
          inForce: { type: 'boolean', description: '今日（北京时间）是否受理新申请' },
          cancelledOn: { type: ['string', 'null'], format: 'date' },
          conditions: { type: 'string' },
          window: { type: ['object', 'null'] },
          serviceHours: { type: 'string' },
          consultPhone: { type: 'string' },
          complaintPhone: { type: 'string' },
          visits: { type: 'integer', description: '到现场次数' },
          materials: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'integer' },
                name: { type: 'string' },
                form: { type: 'string' },
                copies: { type: 'integer' },
                required: { type: 'boolean' },
                blankForm: { type: ['object', 'null'] },
                sample: { type: ['object', 'null'] },
              },
            },
          },
          steps: { type: 'array', items: { type: 'object' } },
          specialProcedures: { type: 'array', items: { type: 'object' } },
          fees: { type: 'array', items: { type: 'object' }, description: '空数组表示不收费' },
          legalBasis: { type: 'array', items: { type: 'object' } },
        },
      },
      PublicDisclosureRequest: {
        type: 'object',
        description: '政府信息公开申请的公开信息：不含证件号码、联系电话、地址和申请内容',
        required: ['queryNo', 'applicant', 'stage', 'receivedOn', 'dueOn', 'extended', 'outcome', 'closedOn'],
        properties: {
          queryNo: { type: 'string' },
          applicant: {
            type: 'object',
            properties: {
              name: { type: 'string', description: '自然人只显示姓氏，其余以*代替' },
              kind: { type: 'string', enum: ['person', 'business', 'research', 'public_welfare', 'legal_service', 'other_org'] },
              kindLabel: { type: 'string' },
            },
          },
          stage: {
            type: 'object',
            properties: {
              code: { type: 'string', enum: ['received', 'supplement_requested', 'closed'] },
              label: { type: 'string' },
              text: { type: 'string' },
            },
          },
          receivedOn: { type: 'string', format: 'date' },
          dueOn: { type: ['string', 'null'], format: 'date', description: '答复期限；null：待补正、已办结或待定（工作日历未覆盖）' },
          dueText: { type: 'string' },
          extended: { type: 'boolean' },
          extensionNotice: { type: ['string', 'null'] },
          supplementDueOn: { type: ['string', 'null'], format: 'date' },
          outcome: {
            type: ['object', 'null'],
            properties: { code: { type: 'string' }, group: { type: 'string' }, text: { type: 'string' } },
          },
          closedOn: { type: ['string', 'null'], format: 'date' },
          deliveryForm: { type: 'string' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      PublicCase: {
        type: 'object',
        required: ['queryNo', 'item', 'department', 'applicant', 'stage', 'timeline', 'version'],
        properties: {
          queryNo: { type: 'string', pattern: '^[2-9A-HJ-NP-Z]{12}$' },
          queryNoDisplay: { type: 'string', description: 'XXXX-XXXX-XXXX' },
          item: { type: 'object' },
          department: { $ref: '#/components/schemas/Department' },
          applicant: {
            type: 'object',
            description: '个人姓名已脱敏（张*），不含证件号码和电话',
            properties: { name: { type: 'string' }, kind: { enum: ['person', 'organization'] } },
          },
          projectName: { type: ['string', 'null'] },
          stage: { ...stage, properties: { ...stage.properties, description: { type: 'string' }, next: { type: 'string' } } },
          registeredAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
          decisionNo: { type: ['string', 'null'] },
          decidedAt: { type: ['string', 'null'], format: 'date-time' },
          version: { type: 'integer' },
          timelineHash: { type: ['string', 'null'], description: '办理记录哈希链的链头（SHA-256），用于核对记录未被改动' },
          ...clockProperties,
          timeline: {
            type: 'array',
            description: '按时间先后；延期记录带 event: "extension"',
            items: {
              type: 'object',
              required: ['stage', 'at'],
              properties: { stage, at: { type: 'string', format: 'date-time' }, note: { type: 'string' } },
            },
          },
        },
      },
      StaffCase: {
        type: 'object',
        description: '工作人员视图，含申请人完整信息',
        required: ['queryNo', 'item', 'department', 'applicant', 'stage', 'version'],
        properties: {
          queryNo: { type: 'string' },
          applicant: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              kind: { enum: ['person', 'organization'] },
              idNumber: { type: 'string' },
              phone: { type: 'string' },
            },
          },
          stage,
          version: { type: 'integer' },
          ...clockProperties,
          timeline: { type: 'array', items: { type: 'object' } },
        },
      },
      EvaluationLevel: {
        type: 'string',
        enum: ['very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied'],
        description: '非常满意 / 满意 / 基本满意 / 不满意 / 非常不满意；后两个为差评',
      },
      EvaluationScores: {
        type: 'object',
        required: ['efficiency', 'quality', 'attitude'],
        properties: {
          efficiency: { type: 'integer', minimum: 1, maximum: 5, description: '服务效率' },
          quality: { type: 'integer', minimum: 1, maximum: 5, description: '服务水平' },
          attitude: { type: 'integer', minimum: 1, maximum: 5, description: '服务态度' },
        },
      },
      BulletinEntry: {
        type: 'object',
        required: ['id', 'decisionNo', 'item', 'department', 'applicant', 'decidedAt'],
        properties: {
          id: { type: 'integer' },
          decisionNo: { type: 'string' },
          item: { type: 'object' },
          department: { $ref: '#/components/schemas/Department' },
          applicant: { type: 'string', description: '单位全称；个人姓名脱敏' },
          projectName: { type: ['string', 'null'] },
          decidedAt: { type: 'string', format: 'date-time' },
          validity: { type: 'string' },
        },
      },
    },
  },
  paths: {
    '/auth/token': {
      post: {
        summary: '工作人员获取访问令牌',
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['username', 'password'],
            properties: { username: { type: 'string' }, password: { type: 'string' } },
          }),
        },
        responses: {
          200: {
            description: '令牌',
            content: json({
              type: 'object',
              required: ['token', 'expiresAt'],
              properties: { token: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } },
            }),
          },
          400: errorRef,
          401: errorRef,
          429: {
            description: 'rate_limited（请求过多）或 login_locked（该用户名或来源地址登录失败次数过多，暂时锁定；Retry-After 给出秒数）',
            content: json({ $ref: '#/components/schemas/Error' }),
          },
        },
      },
    },
    '/tokens/current': {
      delete: {
        summary: '注销当前使用的访问令牌（退出登录）；此后该令牌返回 401',
        security: [{ bearer: [] }],
        responses: {
          204: { description: '已注销' },
          401: errorRef,
        },
      },
    },
    '/items': {
      get: {
        summary: '现行有效的审批事项',
        responses: {
          200: { description: '事项列表', content: json({ type: 'array', items: { $ref: '#/components/schemas/Item' } }) },
        },
      },
    },
    '/items/{code}': {
      get: {
        summary: '事项办事指南（七公开：依据、条件、材料、程序、时限、收费）',
        parameters: [{ name: 'code', in: 'path', required: true, description: '事项编码', schema: { type: 'string' } }],
        responses: {
          200: { description: '办事指南', content: json({ $ref: '#/components/schemas/ItemGuide' }) },
          404: { description: 'item_not_found', content: json({ $ref: '#/components/schemas/Error' }) },
        },
      },
    },
    '/cases': {
      get: {
        summary: '本部门办件（管理员：全部），最紧急在前',
        security: [{ bearer: [] }],
        parameters: [
          { name: 'clockStatus', in: 'query', required: false, schema: { $ref: '#/components/schemas/ClockStatus' } },
          { name: 'stage', in: 'query', required: false, schema: { $ref: '#/components/schemas/StageCode' } },
          { name: 'item', in: 'query', required: false, description: '事项编码', schema: { type: 'string' } },
          { name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 1 } },
        ],
        responses: {
          200: {
            description: '办件分页',
            content: json({
              type: 'object',
              required: ['cases', 'page', 'total'],
              properties: {
                cases: { type: 'array', items: { $ref: '#/components/schemas/StaffCase' } },
                page: { type: 'integer' },
                pageSize: { type: 'integer' },
                total: { type: 'integer' },
              },
            }),
          },
          400: errorRef,
          401: errorRef,
        },
      },
      post: {
        summary: '登记办件（窗口收件），生成查询号',
        security: [{ bearer: [] }],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['itemCode', 'applicant'],
            properties: {
              itemCode: { type: 'string' },
              applicant: {
                type: 'object',
                required: ['name', 'kind', 'idNumber', 'phone'],
                properties: {
                  name: { type: 'string' },
                  kind: { enum: ['person', 'organization'] },
                  idNumber: { type: 'string', description: '居民身份证号码或统一社会信用代码' },
                  phone: { type: 'string' },
                },
              },
              projectName: { type: 'string' },
              note: { type: 'string' },
              materialsReceived: {
                type: 'array',
                items: { type: 'integer' },
                description: '可选：窗口收到的申请材料编号（见 GET /items/{code} 的 materials[].id），随办件一并保存',
              },
            },
          }),
        },
        responses: {
          201: {
            description: '已登记；Location 指向该办件',
            headers: { Location: { schema: { type: 'string' } }, ETag: { schema: { type: 'string' } } },
            content: json({ $ref: '#/components/schemas/StaffCase' }),
          },
          400: errorRef,
          401: errorRef,
          403: errorRef,
        },
      },
    },
    '/cases/{queryNo}': {
      get: {
        summary: '按查询号查询办件（公开摘要）',
        parameters: [queryNoParam],
        responses: {
          200: {
            description: '办件公开信息',
            headers: { ETag: { schema: { type: 'string' } } },
            content: json({ $ref: '#/components/schemas/PublicCase' }),
          },
          304: { description: '未变化（If-None-Match）' },
          400: { description: 'invalid_query_no：查询号格式或校验位有误', content: json({ $ref: '#/components/schemas/Error' }) },
          404: { description: 'case_not_found', content: json({ $ref: '#/components/schemas/Error' }) },
          429: errorRef,
        },
      },
    },
    '/disclosure-requests/{queryNo}': {
      get: {
        summary: '按查询号查询政府信息公开申请（办理状态、答复期限、答复结果）',
        parameters: [queryNoParam],
        responses: {
          200: { description: '申请的公开信息', content: json({ $ref: '#/components/schemas/PublicDisclosureRequest' }) },
          400: { description: 'invalid_query_no：查询号格式或校验位有误', content: json({ $ref: '#/components/schemas/Error' }) },
          404: { description: 'request_not_found', content: json({ $ref: '#/components/schemas/Error' }) },
          429: errorRef,
        },
      },
    },
    '/cases/{queryNo}/detail': {
      post: {
        summary: '申请人凭联系电话后四位查看办件详情（办理意见、补正材料、决定文号、文书）',
        parameters: [queryNoParam],
        requestBody: {
          required: true,
          content: json({ type: 'object', required: ['phoneLast4'], properties: { phoneLast4: { type: 'string', pattern: '^[0-9]{4}$' } } }),
        },
        responses: {
          200: {
            description: '详情（含公开的办理意见）',
            content: json({
              allOf: [
                { $ref: '#/components/schemas/PublicCase' },
                {
                  type: 'object',
                  properties: {
                    missingMaterials: { type: 'array', items: { type: 'string' } },
                    documents: { type: 'array', items: { type: 'string' } },
                  },
                },
              ],
            }),
          },
          400: errorRef,
          403: { description: 'applicant_check_failed：查询号或电话后四位不正确（不区分哪一项）', content: json({ $ref: '#/components/schemas/Error' }) },
          429: errorRef,
        },
      },
    },
    '/cases/{queryNo}/transitions': {
      post: {
        summary: '变更办理阶段',
        security: [{ bearer: [] }],
        parameters: [
          queryNoParam,
          { name: 'If-Match', in: 'header', required: false, description: '上次读取的 ETag', schema: { type: 'string' } },
        ],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['to'],
            properties: {
              to: { $ref: '#/components/schemas/StageCode' },
              note: { type: 'string' },
              notePublic: { type: 'boolean', description: '办理意见是否向申请人公开' },
              decisionNo: { type: 'string', description: '准予许可时必填' },
              reason: { type: 'string', description: '不予许可、不予受理时必填' },
            },
          }),
        },
        responses: {
          200: { description: '已变更', content: json({ $ref: '#/components/schemas/StaffCase' }) },
          400: errorRef,
          401: errorRef,
          403: errorRef,
          404: errorRef,
          409: { description: 'invalid_transition', content: json({ $ref: '#/components/schemas/Error' }) },
          412: { description: 'stale_version：If-Match 已过期', content: json({ $ref: '#/components/schemas/Error' }) },
        },
      },
    },
    '/cases/{queryNo}/evaluation': {
      post: {
        summary: '申请人评价已办结的办件（好差评，一事一评）',
        description:
          '申请人以查询号和办理时所留联系电话的后四位证明身份（全角数字亦可）。每个客户端 IP 与每个查询号各限 15 分钟 10 次。' +
          '不满意、非常不满意为差评，自动生成整改任务。查询号不存在与后四位不符返回同一 403，不透露办件是否存在。',
        parameters: [queryNoParam],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['phoneLast4', 'level', 'scores'],
            properties: {
              phoneLast4: { type: 'string', pattern: '^[0-9０-９]{4}$', description: '联系电话后四位' },
              level: { $ref: '#/components/schemas/EvaluationLevel' },
              comment: { type: 'string', maxLength: 500, description: '意见建议，不公开' },
              scores: { $ref: '#/components/schemas/EvaluationScores' },
            },
          }),
        },
        responses: {
          201: {
            description: '已评价',
            content: json({
              type: 'object',
              required: ['queryNo', 'level', 'scores', 'evaluatedAt', 'followUp'],
              properties: {
                queryNo: { type: 'string' },
                level: {
                  type: 'object',
                  properties: { code: { $ref: '#/components/schemas/EvaluationLevel' }, label: { type: 'string' } },
                },
                scores: { $ref: '#/components/schemas/EvaluationScores' },
                comment: { type: ['string', 'null'] },
                evaluatedAt: { type: 'string', format: 'date-time' },
                followUp: { type: 'boolean', description: '差评：已生成整改任务，将安排回访' },
              },
            }),
          },
          400: { description: 'validation_failed 或 invalid_query_no', content: json({ $ref: '#/components/schemas/Error' }) },
          403: { description: 'applicant_check_failed：查询号或联系电话后四位不正确', content: json({ $ref: '#/components/schemas/Error' }) },
          409: { description: 'already_evaluated（已评价）或 not_completed（尚未办结）', content: json({ $ref: '#/components/schemas/Error' }) },
          429: errorRef,
        },
      },
    },
    '/bulletin': {
      get: {
        summary: '许可结果公告检索（最新在前）',
        description:
          '与公告页 /bulletin 相同的筛选条件，均可省略、可组合。关键词按子串匹配事项名称、申请单位名称、项目名称和决定文号（个人申请人姓名已脱敏，不可检索）。' +
          '匹配超过 10000 条时 total 为 10000、totalExact 为 false。同样条件的 Atom 订阅源和开放数据下载：/bulletin/feed.atom、/bulletin/export.csv、/bulletin/export.json（不在 /api/v1 下）。',
        parameters: [
          {
            name: 'q',
            in: 'query',
            required: false,
            description: '关键词，空格分隔，最多 5 个，每个至少 2 个字；全部须匹配。全角字符、各式括号（[] () 【】 〔〕）视为相同',
            schema: { type: 'string', maxLength: 200 },
          },
          { name: 'category', in: 'query', required: false, description: '事项类别（如 取水许可）；未知类别无结果', schema: { type: 'string' } },
          { name: 'department', in: 'query', required: false, description: '许可机关（部门）代码；未知代码无结果', schema: { type: 'string' } },
          {
            name: 'from',
            in: 'query',
            required: false,
            description: '决定日期起（北京时间，含当日）',
            schema: { type: 'string', format: 'date' },
          },
          {
            name: 'to',
            in: 'query',
            required: false,
            description: '决定日期止（北京时间，含当日）；不得早于 from',
            schema: { type: 'string', format: 'date' },
          },
          { name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 1, default: 1 } },
        ],
        responses: {
          200: {
            description: '公告分页',
            content: json({
              type: 'object',
              required: ['entries', 'page', 'total'],
              properties: {
                entries: { type: 'array', items: { $ref: '#/components/schemas/BulletinEntry' } },
                page: { type: 'integer' },
                pageSize: { type: 'integer' },
                total: { type: 'integer', description: '匹配条数；超过 10000 时为 10000' },
                totalExact: { type: 'boolean', description: 'false：实际匹配超过 total' },
              },
            }),
          },
          400: { description: 'validation_failed：fields 逐项说明（q、from、to、page 等）', content: json({ $ref: '#/components/schemas/Error' }) },
        },
      },
    },
    '/openapi.json': {
      get: { summary: '本接口说明（OpenAPI 3.1）', responses: { 200: { description: 'OpenAPI 文档' } } },
    },
  },
} as const;
