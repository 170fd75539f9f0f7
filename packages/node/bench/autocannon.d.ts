/** The part of autocannon's API the inference benchmark uses (the package ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    type RequestParams = {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
    };
    type Request = RequestParams & {
      setupRequest?: (request: RequestParams, context: Record<string, unknown>) => RequestParams;
      onResponse?: (
        status: number,
        body: string,
        context: Record<string, unknown>,
        headers?: Record<string, string>,
      ) => void;
    };
    type Options = {
      url: string;
      connections?: number;
      duration?: number;
      amount?: number;
      timeout?: number;
      requests?: Request[];
    };
    type Result = {
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      statusCodeStats: Record<string, { count: number }>;
    };
    type Instance = EventEmitter &
      PromiseLike<Result> & {
        on(
          event: 'response',
          listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void,
        ): Instance;
      };
  }
  function autocannon(options: autocannon.Options): autocannon.Instance;
  export default autocannon;
}
