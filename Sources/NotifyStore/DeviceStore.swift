import Foundation
import NotifyCore
import Redis

/// Residents' push devices, one hash per resident (`Keys.devices`) under the resident's hash tag.
///
/// Fields: `<id>` -> the device as sealed JSON; `hash:<keyed hash>` -> id, the keyed hash of the token
/// (of the endpoint for Web Push) so a repeated registration finds its device without decrypting;
/// `at:<id>` -> registration time in milliseconds, in clear, because the scripts that keep the
/// per-resident maximum must find the oldest device without the key. Every change runs as one
/// script on that one key, so concurrent registrations can never exceed the maximum.
public struct DeviceStore: Sendable {
    let redis: RedisClient
    let cipher: FieldCipher

    public init(redis: RedisClient, cipher: FieldCipher) {
        self.redis = redis
        self.cipher = cipher
    }

    /// Stores `device` for `cpr` and returns its id; the same token (or Web Push endpoint) registered
    /// again returns the existing id. Beyond `max` devices the oldest ones are removed.
    public func register(_ device: Device, cpr: CPR, max: Int) async throws -> String {
        let key = Keys.devices(cpr)
        let hashField = "hash:" + cipher.keyedHash(Self.lookupValue(device))
        let sealed = try cipher.seal(String(decoding: try JSONCoding.encoder.encode(device), as: UTF8.self))
        let at = Int((device.createdAt.timeIntervalSince1970 * 1000).rounded(.down))
        let reply = try await redis.evalsha(Self.registerScript, keys: [key],
                                            args: [hashField, device.id, sealed, at, Swift.max(1, max)])
        guard let r = reply.array, r.count == 2, let created = r[0].int, let id = r[1].string else {
            throw StoreError.unexpected("device register", reply)
        }
        if created == 0 { try await refresh(id: id, with: device, key: key) }
        return id
    }

    /// The resident's devices, oldest first.
    public func list(_ cpr: CPR) async throws -> [Device] {
        try devices(Keys.devices(cpr), try await redis.send("HGETALL", Keys.devices(cpr)).hash)
    }

    /// Many residents' devices in one round trip, in the order asked.
    public func list(_ cprs: [CPR]) async throws -> [[Device]] {
        let replies = try await redis.pipeline(cprs.map { RedisCommand("HGETALL", Keys.devices($0)) })
        return try zip(cprs, replies).map { try devices(Keys.devices($0), $1.hash) }
    }

    private func devices(_ key: String, _ fields: [String: String]) throws -> [Device] {
        var devices: [(at: Int, device: Device)] = []
        for (field, sealed) in fields where Self.isDeviceID(field) {
            let device = try open(sealed, key: key, field: field)
            let at = fields["at:" + field].flatMap(Int.init) ?? Int(device.createdAt.timeIntervalSince1970 * 1000)
            devices.append((at, device))
        }
        // Milliseconds from `at:` order devices registered within one second; the id breaks exact ties.
        return devices.sorted { ($0.at, $0.device.id) < ($1.at, $1.device.id) }.map(\.device)
    }

    /// Removes one device; false when the resident has no device with that id.
    public func remove(_ cpr: CPR, id: String) async throws -> Bool {
        // Only device ids: a caller-supplied `hash:…` or `at:…` must never name an index field.
        guard Self.isDeviceID(id) else { return false }
        return try await removeScripted(Keys.devices(cpr), id: id, hashField: "")
    }

    /// Removes the device registered with `token` (the endpoint, for Web Push), e.g. when a provider
    /// says it is no longer valid; false when there is none.
    public func removeByToken(_ cpr: CPR, token: String) async throws -> Bool {
        try await removeScripted(Keys.devices(cpr), id: "", hashField: "hash:" + cipher.keyedHash(token))
    }

    /// Removes every device of the resident (erasure).
    public func removeAll(_ cpr: CPR) async throws {
        _ = try await redis.send("DEL", Keys.devices(cpr))
    }

    private func removeScripted(_ key: String, id: String, hashField: String) async throws -> Bool {
        let reply = try await redis.evalsha(Self.removeScript, keys: [key], args: [id, hashField])
        guard let removed = reply.int else { throw StoreError.unexpected("device remove", reply) }
        return removed == 1
    }

    /// A device registered again may carry new details (a browser's renewed Web Push keys for the
    /// same endpoint): keep its id and registration time, store the rest.
    private func refresh(id: String, with device: Device, key: String) async throws {
        guard let sealed = try await redis.send("HGET", key, id).string else { return }
        var stored = try open(sealed, key: key, field: id)
        guard stored.token != device.token || stored.subscription != device.subscription else { return }
        stored.token = device.token
        stored.subscription = device.subscription
        let resealed = try cipher.seal(String(decoding: try JSONCoding.encoder.encode(stored), as: UTF8.self))
        _ = try await redis.evalsha(Self.replaceScript, keys: [key], args: [id, resealed])
    }

    private func open(_ sealed: String, key: String, field: String) throws -> Device {
        let json: String
        do { json = try cipher.open(sealed) } catch {
            throw StoreError.corrupt(key, "device \(field) cannot be decrypted with the configured key")
        }
        do { return try JSONCoding.decoder.decode(Device.self, from: Data(json.utf8)) } catch {
            throw StoreError.corrupt(key, "device \(field) is not a device record")
        }
    }

    /// What identifies a device across registrations: its token, or its Web Push endpoint.
    static func lookupValue(_ device: Device) -> String {
        device.token ?? device.subscription?.endpoint ?? ""
    }

    static func isDeviceID(_ text: String) -> Bool {
        text.hasPrefix("dev_") && !text.contains(":") && text.utf8.count <= 64
    }

    /// KEYS: devices hash. ARGV: hash field, new id, sealed record, registration ms, maximum.
    /// Returns {0, existing id} for a known token, else {1, new id} after removing the oldest
    /// devices until there is room. A new device is never older than one already there, so the
    /// order of registration decides even within one millisecond.
    static let registerScript = RedisScript("""
    local existing = redis.call('HGET', KEYS[1], ARGV[1])
    if existing and redis.call('HEXISTS', KEYS[1], existing) == 1 then return {0, existing} end
    local all = redis.call('HGETALL', KEYS[1])
    local devices, hashOf, newest = {}, {}, 0
    for i = 1, #all, 2 do
      local f, v = all[i], all[i + 1]
      if string.sub(f, 1, 3) == 'at:' then
        local at = tonumber(v) or 0
        table.insert(devices, {string.sub(f, 4), at})
        if at > newest then newest = at end
      elseif string.sub(f, 1, 5) == 'hash:' then
        hashOf[v] = f
      end
    end
    table.sort(devices, function(a, b) if a[2] == b[2] then return a[1] < b[1] end return a[2] < b[2] end)
    local count, max = #devices, tonumber(ARGV[5])
    for i = 1, #devices do
      if count < max then break end
      local id = devices[i][1]
      redis.call('HDEL', KEYS[1], id, 'at:' .. id)
      if hashOf[id] then redis.call('HDEL', KEYS[1], hashOf[id]) end
      count = count - 1
    end
    local at = tonumber(ARGV[4])
    if at <= newest then at = newest + 1 end
    redis.call('HSET', KEYS[1], ARGV[2], ARGV[3], 'at:' .. ARGV[2], string.format('%.0f', at), ARGV[1], ARGV[2])
    return {1, ARGV[2]}
    """)

    /// KEYS: devices hash. ARGV: device id, or '' to find it by ARGV[2], a hash field.
    /// Removes the record with its index fields. Returns 1 if a device was removed, else 0.
    static let removeScript = RedisScript("""
    local id = ARGV[1]
    if id == '' then
      id = redis.call('HGET', KEYS[1], ARGV[2])
      if not id then return 0 end
      if redis.call('HEXISTS', KEYS[1], id) == 0 then
        redis.call('HDEL', KEYS[1], ARGV[2])
        return 0
      end
    end
    if string.sub(id, 1, 4) ~= 'dev_' or redis.call('HEXISTS', KEYS[1], id) == 0 then return 0 end
    local all = redis.call('HGETALL', KEYS[1])
    for i = 1, #all, 2 do
      if all[i + 1] == id and string.sub(all[i], 1, 5) == 'hash:' then redis.call('HDEL', KEYS[1], all[i]) end
    end
    redis.call('HDEL', KEYS[1], id, 'at:' .. id)
    return 1
    """)

    /// KEYS: devices hash. ARGV: device id, sealed record. Replaces the record only if the device
    /// still exists, so a concurrent removal is not undone.
    static let replaceScript = RedisScript("""
    if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
    return 1
    """)
}
