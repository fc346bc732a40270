import { describe, expect, it } from 'vitest'
import {
  Signal,
  appcontextPopped,
  appcontextPushed,
  appcontextTearingDown,
  beforeRenderTemplate,
  gotRequestException,
  messageFlashed,
  requestFinished,
  requestStarted,
  requestTearingDown,
  templateRendered,
  type Receiver,
} from '../src/signals.ts'

describe('Signal', () => {
  it('calls receivers in connection order with sender and payload, and returns their results', () => {
    const s = new Signal<{ n: number }>('test', 'a doc')
    expect(s.name).toBe('test')
    expect(s.doc).toBe('a doc')
    const calls: string[] = []
    const a: Receiver<{ n: number }> = (sender, { n }) => {
      calls.push(`a:${String(sender)}:${n}`)
      return 'A'
    }
    const b: Receiver<{ n: number }> = (_sender, { n }) => {
      calls.push(`b:${n}`)
      return n * 2
    }
    s.connect(a)
    s.connect(b)
    const results = s.send('app', { n: 21 })
    expect(calls).toEqual(['a:app:21', 'b:21'])
    expect(results).toEqual([
      [a, 'A'],
      [b, 42],
    ])
  })

  it('returns an empty list when nobody listens', () => {
    const s = new Signal<{ n: number }>('quiet')
    expect(s.send({}, { n: 1 })).toEqual([])
    expect(s.receiversCount).toBe(0)
    expect(s.hasReceiversFor({})).toBe(false)
  })

  it('connect returns a disconnect function', () => {
    const s = new Signal('s')
    let count = 0
    const stop = s.connect(() => count++)
    s.send(null)
    stop()
    s.send(null)
    expect(count).toBe(1)
    expect(s.receiversCount).toBe(0)
    stop() // idempotent
  })

  it('connecting the same receiver twice for the same sender is a no-op', () => {
    const s = new Signal('s')
    let count = 0
    const r = () => count++
    s.connect(r)
    s.connect(r)
    expect(s.receiversCount).toBe(1)
    s.send(null)
    expect(count).toBe(1)
  })

  it('filters by sender identity', () => {
    const s = new Signal<{ v: string }>('s')
    const app1 = { name: 'one' }
    const app2 = { name: 'two' }
    const seen: string[] = []
    s.connect((sender, { v }) => seen.push(`only1:${(sender as { name: string }).name}:${v}`), { sender: app1 })
    s.connect((sender, { v }) => seen.push(`any:${(sender as { name: string }).name}:${v}`))
    s.send(app1, { v: 'x' })
    s.send(app2, { v: 'y' })
    s.send({ name: 'one' }, { v: 'z' }) // equal but not the same object
    expect(seen).toEqual(['only1:one:x', 'any:one:x', 'any:two:y', 'any:one:z'])
  })

  it('hasReceiversFor reflects any-sender and per-sender receivers', () => {
    const s = new Signal('s')
    const app = {}
    const other = {}
    const r = () => {}
    const stop = s.connect(r, { sender: app })
    expect(s.hasReceiversFor(app)).toBe(true)
    expect(s.hasReceiversFor(other)).toBe(false)
    const stopAny = s.connect(r)
    expect(s.hasReceiversFor(other)).toBe(true)
    expect(s.receiversCount).toBe(2)
    stopAny()
    stop()
    expect(s.hasReceiversFor(app)).toBe(false)
  })

  it('calls a receiver connected for any sender and for this sender only once', () => {
    const s = new Signal('s')
    const app = {}
    let count = 0
    const r = () => count++
    s.connect(r, { sender: app })
    s.connect(r)
    expect(s.send(app)).toHaveLength(1)
    expect(count).toBe(1)
  })

  it('disconnect removes every connection of a receiver, or one with { sender }', () => {
    const s = new Signal('s')
    const app = {}
    const r = () => 'r'
    s.connect(r)
    s.connect(r, { sender: app })
    s.disconnect(r, { sender: app })
    expect(s.receiversCount).toBe(1)
    s.connect(r, { sender: app })
    s.disconnect(r)
    expect(s.receiversCount).toBe(0)
    expect(s.hasReceiversFor(app)).toBe(false)
    s.disconnect(() => {}) // unknown: ignored
  })

  it('propagates a receiver error after calling the rest (issue 11: one failing receiver cannot silence the others)', () => {
    const s = new Signal('s')
    let later = false
    s.connect(() => {
      throw new Error('boom')
    })
    s.connect(() => {
      later = true
    })
    expect(() => s.send(null)).toThrow('boom')
    expect(later).toBe(true)
  })

  it('a receiver may disconnect itself during send without skipping others', () => {
    const s = new Signal('s')
    const seen: string[] = []
    const stop = s.connect(() => {
      seen.push('once')
      stop()
    })
    s.connect(() => seen.push('always'))
    s.send(null)
    s.send(null)
    expect(seen).toEqual(['once', 'always', 'always'])
  })

  it('gives payload-less signals an empty object', () => {
    const s = new Signal('s')
    let got: unknown
    s.connect((_sender, payload) => {
      got = payload
    })
    s.send('x')
    expect(got).toEqual({})
  })

  it('rejects a non-function receiver', () => {
    const s = new Signal('s')
    expect(() => s.connect(42 as unknown as Receiver<Record<string, never>>)).toThrow(TypeError)
  })

  it('has a readable toString', () => {
    expect(String(new Signal('my-signal'))).toBe('Signal(my-signal)')
  })
})

describe('connectedTo', () => {
  it('connects for the duration of a sync function', () => {
    const s = new Signal<{ n: number }>('s')
    const seen: number[] = []
    const out = s.connectedTo(
      (_sender, { n }) => seen.push(n),
      () => {
        s.send(null, { n: 1 })
        return 'done'
      },
    )
    s.send(null, { n: 2 })
    expect(out).toBe('done')
    expect(seen).toEqual([1])
    expect(s.receiversCount).toBe(0)
  })

  it('respects the sender option', () => {
    const s = new Signal('s')
    const app = {}
    let count = 0
    s.connectedTo(
      () => count++,
      { sender: app },
      () => {
        s.send(app)
        s.send({})
      },
    )
    expect(count).toBe(1)
  })

  it('disconnects when the function throws', () => {
    const s = new Signal('s')
    expect(() =>
      s.connectedTo(
        () => {},
        () => {
          throw new Error('inner')
        },
      ),
    ).toThrow('inner')
    expect(s.receiversCount).toBe(0)
  })

  it('stays connected until an async function settles', async () => {
    const s = new Signal('s')
    let count = 0
    const p = s.connectedTo(
      () => count++,
      async () => {
        await new Promise((r) => setTimeout(r, 5))
        s.send(null)
        return 7
      },
    )
    expect(s.receiversCount).toBe(1)
    await expect(p).resolves.toBe(7)
    expect(count).toBe(1)
    expect(s.receiversCount).toBe(0)
  })

  it('disconnects after an async function rejects', async () => {
    const s = new Signal('s')
    await expect(
      s.connectedTo(
        () => {},
        async () => {
          throw new Error('later')
        },
      ),
    ).rejects.toThrow('later')
    expect(s.receiversCount).toBe(0)
  })

  it('leaves a connection that existed before in place', () => {
    const s = new Signal('s')
    const r = () => {}
    s.connect(r)
    s.connectedTo(r, () => {})
    expect(s.receiversCount).toBe(1)
  })
})

describe('sendAsync', () => {
  it('awaits async receivers in order', async () => {
    const s = new Signal<{ id: number }>('s')
    const order: string[] = []
    const slow = async (_s: unknown, { id }: { id: number }) => {
      await new Promise((r) => setTimeout(r, 10))
      order.push(`slow${id}`)
      return 'slow'
    }
    const sync = (_s: unknown, { id }: { id: number }) => {
      order.push(`sync${id}`)
      return 'sync'
    }
    s.connect(slow)
    s.connect(sync)
    const results = await s.sendAsync('app', { id: 1 })
    expect(order).toEqual(['slow1', 'sync1'])
    expect(results).toEqual([
      [slow, 'slow'],
      [sync, 'sync'],
    ])
  })

  it('propagates a rejection', async () => {
    const s = new Signal('s')
    s.connect(async () => {
      throw new Error('async boom')
    })
    await expect(s.sendAsync(null)).rejects.toThrow('async boom')
  })

  it('filters by sender like send', async () => {
    const s = new Signal('s')
    const app = {}
    let count = 0
    s.connect(() => count++, { sender: app })
    await s.sendAsync({})
    await s.sendAsync(app)
    expect(count).toBe(1)
  })

  it('send returns an async receiver promise un-awaited', async () => {
    const s = new Signal('s')
    s.connect(async () => 5)
    const [[, value]] = s.send(null)
    expect(value).toBeInstanceOf(Promise)
    await expect(value).resolves.toBe(5)
  })
})

describe('core signals', () => {
  it('exist with Flask-like names and typed payloads', () => {
    const app = {}
    const seen: string[] = []
    const stops = [
      requestStarted.connect(() => seen.push('requestStarted'), { sender: app }),
      requestFinished.connect((_a, { response }) => seen.push(`finished:${response.status}`), { sender: app }),
      gotRequestException.connect((_a, { exception }) => seen.push(`exc:${String(exception)}`), { sender: app }),
      requestTearingDown.connect((_a, { exc }) => seen.push(`teardown:${String(exc)}`), { sender: app }),
      appcontextPushed.connect(() => seen.push('pushed'), { sender: app }),
      appcontextPopped.connect(() => seen.push('popped'), { sender: app }),
      appcontextTearingDown.connect((_a, { exc }) => seen.push(`actd:${String(exc)}`), { sender: app }),
      beforeRenderTemplate.connect((_a, { template }) => seen.push(`before:${template}`), { sender: app }),
      templateRendered.connect((_a, { template, context }) => seen.push(`rendered:${template}:${String(context.x)}`), {
        sender: app,
      }),
      messageFlashed.connect((_a, { message, category }) => seen.push(`flash:${category}:${message}`), { sender: app }),
    ]
    requestStarted.send(app)
    requestFinished.send(app, { response: { status: 200 } as never })
    gotRequestException.send(app, { exception: 'E' })
    requestTearingDown.send(app, { exc: undefined })
    appcontextPushed.send(app)
    appcontextPopped.send(app)
    appcontextTearingDown.send(app, { exc: null })
    beforeRenderTemplate.send(app, { template: 'a.html', context: {} })
    templateRendered.send(app, { template: 'a.html', context: { x: 1 } })
    messageFlashed.send(app, { message: 'Hi', category: 'info' })
    for (const stop of stops) stop()
    expect(seen).toEqual([
      'requestStarted',
      'finished:200',
      'exc:E',
      'teardown:undefined',
      'pushed',
      'popped',
      'actd:null',
      'before:a.html',
      'rendered:a.html:1',
      'flash:info:Hi',
    ])
    expect(requestStarted.name).toBe('request-started')
    expect(requestStarted.hasReceiversFor(app)).toBe(false)
  })
})
