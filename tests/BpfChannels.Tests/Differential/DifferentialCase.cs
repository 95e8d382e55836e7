using System.Buffers.Binary;
using CsCheck;

namespace BpfChannels.Tests.Differential;

/// <summary>
/// One map spec of the differential suite: how to create it on a backend, which keys to draw (a small space, so
/// sequences collide, fill the map and share hash buckets) and how often each operation appears.
/// </summary>
public sealed class DifferentialCase
{
    private DifferentialCase(string name, Func<BpfMapFactory, BpfBtf?, MapUnderTest> create, Gen<byte[]> key, int freezeWeight = 1)
    {
        Name = name;
        Create = create;
        Operations = Operation(key, freezeWeight).Array[1, 60];
    }

    public string Name { get; }

    public Func<BpfMapFactory, BpfBtf?, MapUnderTest> Create { get; }

    public Gen<MapOp[]> Operations { get; }

    public static IReadOnlyList<DifferentialCase> All { get; } =
    [
        // Hash maps are created with BPF_F_ZERO_SEED, so the kernel's bucket order is known and the twin must match it exactly.
        new("HashPrealloc", (f, _) => Plain(f, BpfMapType.Hash, 4, 8, 8, BpfMapFlags.ZeroSeed), IntKeys(12)),
        new("HashNoPrealloc", (f, _) => Plain(f, BpfMapType.Hash, 6, 8, 8, BpfMapFlags.ZeroSeed | BpfMapFlags.NoPrealloc), ByteKeys(12)),

        // LRU without eviction pressure: 4096 preallocated nodes for at most 24 keys, so the kernel never evicts.
        new("LruHash", (f, _) => Plain(f, BpfMapType.LruHash, 4, 8, 4096, BpfMapFlags.ZeroSeed), IntKeys(24)),
        new("PerCpuHash", (f, _) => Plain(f, BpfMapType.PerCpuHash, 4, 12, 8, BpfMapFlags.ZeroSeed), IntKeys(12)),
        new("LruPerCpuHash", (f, _) => Plain(f, BpfMapType.LruPerCpuHash, 4, 8, 4096, BpfMapFlags.ZeroSeed), IntKeys(24)),
        new("Array", (f, _) => Plain(f, BpfMapType.Array, 4, 12, 6, BpfMapFlags.None), IntKeys(8)),
        new("PerCpuArray", (f, _) => Plain(f, BpfMapType.PerCpuArray, 4, 4, 6, BpfMapFlags.None), IntKeys(8)),
        new("LpmTrieIPv4", (f, _) => Plain(f, BpfMapType.LpmTrie, 8, 8, 10, BpfMapFlags.NoPrealloc), LpmKeys(4)),
        new("LpmTrieIPv6", (f, _) => Plain(f, BpfMapType.LpmTrie, 20, 8, 10, BpfMapFlags.NoPrealloc), LpmKeys(16)),
        new("Queue", (f, _) => Plain(f, BpfMapType.Queue, 0, 8, 4, BpfMapFlags.None), Gen.Const(Array.Empty<byte>())),
        new("Stack", (f, _) => Plain(f, BpfMapType.Stack, 0, 8, 4, BpfMapFlags.None), Gen.Const(Array.Empty<byte>())),
        new("ArrayOfMaps", (f, _) => MapOfMaps(f, BpfMapType.ArrayOfMaps), IntKeys(6)),
        new("HashOfMaps", (f, _) => MapOfMaps(f, BpfMapType.HashOfMaps), IntKeys(8)),
        new("HashReadOnly", (f, _) => Plain(f, BpfMapType.Hash, 4, 8, 8, BpfMapFlags.ZeroSeed | BpfMapFlags.ReadOnly), IntKeys(12)),
        new("ArrayWriteOnly", (f, _) => Plain(f, BpfMapType.Array, 4, 8, 6, BpfMapFlags.WriteOnly), IntKeys(8)),
        new("HashSpinLock", (f, btf) => Locked(f, btf!, BpfMapType.Hash, 8), IntKeys(12), freezeWeight: 1),
        new("ArraySpinLock", (f, btf) => Locked(f, btf!, BpfMapType.Array, 6), IntKeys(8), freezeWeight: 1),
    ];

    public override string ToString() => Name;

    private static MapUnderTest Plain(BpfMapFactory factory, BpfMapType type, int keySize, int valueSize, int maxEntries, BpfMapFlags flags) =>
        new(factory.Create(new BpfMapSpec { Type = type, KeySize = keySize, ValueSize = valueSize, MaxEntries = maxEntries, Flags = flags }));

    private static MapUnderTest Locked(BpfMapFactory factory, BpfBtf btf, BpfMapType type, int maxEntries) =>
        new(factory.Create(new BpfMapSpec
        {
            Type = type,
            KeySize = 4,
            ValueSize = SpinLockBtf.ValueSize,
            MaxEntries = maxEntries,
            Flags = type == BpfMapType.Hash ? BpfMapFlags.ZeroSeed : BpfMapFlags.None,
            Btf = btf.Handle,
            BtfKeyTypeId = SpinLockBtf.KeyTypeId,
            BtfValueTypeId = SpinLockBtf.ValueTypeId,
        }));

    /// <summary>An outer map with three compatible inner hash maps and a fourth whose key size does not match the template.</summary>
    private static MapUnderTest MapOfMaps(BpfMapFactory factory, BpfMapType type)
    {
        var inner = new List<BpfMap>();
        for (int i = 0; i < 3; i++)
        {
            inner.Add(factory.Create(new BpfMapSpec { Type = BpfMapType.Hash, KeySize = 4, ValueSize = 4, MaxEntries = 4 }));
        }

        inner.Add(factory.Create(new BpfMapSpec { Type = BpfMapType.Hash, KeySize = 8, ValueSize = 4, MaxEntries = 4 }));
        BpfMap outer = factory.Create(new BpfMapSpec { Type = type, KeySize = 4, ValueSize = 4, MaxEntries = type == BpfMapType.ArrayOfMaps ? 4 : 6, InnerMap = inner[0], Flags = type == BpfMapType.HashOfMaps ? BpfMapFlags.ZeroSeed : BpfMapFlags.None });
        return new MapUnderTest(outer, inner);
    }

    private static Gen<byte[]> IntKeys(int count) => Gen.Int[0, count - 1].Select(k => BitConverter.GetBytes(k));

    /// <summary>6-byte keys: the kernel hashes them with jhash rather than jhash2.</summary>
    private static Gen<byte[]> ByteKeys(int count) => Gen.Int[0, count - 1].Select(k => new byte[] { (byte)k, (byte)(k * 37), 0, 1, (byte)(k ^ 0x5a), 7 });

    /// <summary>LPM keys: a prefix length up to one past the maximum, over a few nested and disjoint addresses with random low bits.</summary>
    private static Gen<byte[]> LpmKeys(int dataBytes)
    {
        byte[][] bases =
        [
            new byte[] { 10, 0, 0, 0 }, [10, 1, 0, 0], [10, 1, 2, 0], [192, 168, 0, 0], [0, 0, 0, 0], [255, 255, 255, 255],
        ];
        return Gen.Select(Gen.Int[0, (dataBytes * 8) + 1], Gen.Int[0, bases.Length - 1], Gen.Byte, (length, which, low) =>
        {
            byte[] key = new byte[4 + dataBytes];
            BinaryPrimitives.WriteUInt32LittleEndian(key, (uint)length);
            bases[which].AsSpan(0, Math.Min(4, dataBytes)).CopyTo(key.AsSpan(4));
            key[^1] ^= low;
            return key;
        });
    }

    private static Gen<MapOp> Operation(Gen<byte[]> key, int freezeWeight)
    {
        Gen<BpfMapUpdateFlags> updateFlags = Gen.OneOf(
            BpfMapUpdateFlags.Any, BpfMapUpdateFlags.NoExist, BpfMapUpdateFlags.Exist,
            BpfMapUpdateFlags.Any | BpfMapUpdateFlags.Lock, BpfMapUpdateFlags.NoExist | BpfMapUpdateFlags.Lock, BpfMapUpdateFlags.Exist | BpfMapUpdateFlags.Lock);
        Gen<bool> lockFlag = Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true)));
        Gen<long> seed = Gen.Long[0, 1000];
        Gen<int> batchSize = Gen.Frequency((3, Gen.Const(1)), (2, Gen.Const(2)), (2, Gen.Int[3, 8]));
        Gen<MapOp> Simple(MapOpKind kind, Gen<int> count) => Gen.Select(key, lockFlag, count, (k, l, c) => new MapOp(kind, k, 0, BpfMapUpdateFlags.Any, l, c, []));

        return Gen.Frequency(
            (40, Gen.Select(key, seed, updateFlags, (k, s, f) => new MapOp(MapOpKind.Update, k, s, f, false, 0, []))),
            (10, Simple(MapOpKind.Delete, Gen.Const(0))),
            (12, Simple(MapOpKind.Lookup, Gen.Const(0))),
            (6, Simple(MapOpKind.LookupAndDelete, Gen.Const(0))),
            (6, Simple(MapOpKind.NextKey, Gen.Int[0, 1])),
            (3, Simple(MapOpKind.Walk, Gen.Int[0, 3])),
            (12, Simple(MapOpKind.LookupBatch, batchSize)),
            (6, Simple(MapOpKind.LookupAndDeleteBatch, batchSize)),
            (4, Simple(MapOpKind.ResetCursor, Gen.Const(0))),
            (4, Gen.Select(key.Array[1, 4], seed, Gen.OneOf(BpfMapUpdateFlags.Any, BpfMapUpdateFlags.Lock, BpfMapUpdateFlags.NoExist),
                (k, s, f) => new MapOp(MapOpKind.UpdateBatch, [], s, f, false, 0, k))),
            (3, Gen.Select(key.Array[1, 4], k => new MapOp(MapOpKind.DeleteBatch, [], 0, BpfMapUpdateFlags.Any, false, 0, k))),
            (freezeWeight, Gen.Const(new MapOp(MapOpKind.Freeze, [], 0, BpfMapUpdateFlags.Any, false, 0, []))));
    }
}
