using System.Buffers.Binary;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// An LPM trie (kernel/bpf/lpm_trie.c). Keys are a u32 prefix length and data; a node is identified by its
/// prefix (the data bits up to the length) and keeps the data as last written. Lookups find the longest stored
/// prefix of the key; get_next_key walks in the trie's post-order (more specific prefixes first, the 0 branch
/// before the 1 branch), so the twin iterates as the kernel does.
/// </summary>
internal sealed class LpmTrieStorage : ITwinStorage
{
    private readonly int _keySize;
    private readonly int _maxEntries;
    private readonly uint _maxPrefix;
    private readonly Dictionary<byte[], Node> _nodes;
    private readonly Dictionary<byte[], Node>.AlternateLookup<ReadOnlySpan<byte>> _byPrefix;
    private static readonly Comparer<Node> PostOrderComparer = Comparer<Node>.Create((x, y) => PostOrder(x.Prefix, y.Prefix));
    private readonly List<Node> _postOrder = []; // sorted by PostOrder

    internal LpmTrieStorage(BpfMapSpec spec)
    {
        _keySize = spec.KeySize;
        _maxEntries = spec.MaxEntries;
        _maxPrefix = (uint)(spec.KeySize - 4) * 8;
        _nodes = new Dictionary<byte[], Node>(ByteArrayComparer.Instance);
        _byPrefix = _nodes.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public TwinBatchSupport BatchSupport => TwinBatchSupport.Lookup | TwinBatchSupport.Update | TwinBatchSupport.Delete;

    public int Lookup(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        // trie_lookup_elem: a prefix length above the trie's maximum matches nothing.
        uint length = PrefixLength(key);
        if (length > _maxPrefix)
        {
            return ENOENT;
        }

        Span<byte> probe = stackalloc byte[_keySize];
        for (int candidate = (int)length; candidate >= 0; candidate--)
        {
            Normalize(key, (uint)candidate, probe);
            if (_byPrefix.TryGetValue(probe, out Node? node))
            {
                node.Value.CopyTo(value);
                return 0;
            }
        }

        return ENOENT;
    }

    public int Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        // trie_update_elem: flags above BPF_EXIST and over-long prefixes are EINVAL; a new node needs room (ENOSPC).
        if (flags > TwinRules.BPF_EXIST || PrefixLength(key) > _maxPrefix)
        {
            return EINVAL;
        }

        Node? node = FindExact(key);
        int err = TwinRules.CheckExistence(node is not null, flags);
        if (err != 0)
        {
            return err;
        }

        if (node is not null)
        {
            key.CopyTo(node.Key);
            value.CopyTo(node.Value);
            return 0;
        }

        if (_nodes.Count >= _maxEntries)
        {
            return ENOSPC;
        }

        byte[] prefix = new byte[_keySize];
        Normalize(key, PrefixLength(key), prefix);
        var created = new Node(prefix, key.ToArray(), value.ToArray());
        _nodes.Add(prefix, created);
        int index = _postOrder.BinarySearch(created, PostOrderComparer);
        _postOrder.Insert(~index, created);
        return 0;
    }

    public int Delete(ReadOnlySpan<byte> key)
    {
        if (PrefixLength(key) > _maxPrefix)
        {
            return EINVAL;
        }

        Node? node = FindExact(key);
        if (node is null)
        {
            return ENOENT;
        }

        _ = _nodes.Remove(node.Prefix);
        _postOrder.RemoveAt(IndexOf(node));
        return 0;
    }

    public int LookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value, ulong flags) => ENOTSUPP;

    public int GetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        // trie_get_next_key: an empty trie has no key; a missing or invalid key yields the leftmost (first) node.
        if (_postOrder.Count == 0)
        {
            return ENOENT;
        }

        Node? current = key.IsEmpty ? null : FindExact(key);
        int next = current is null ? 0 : IndexOf(current) + 1;
        if (next >= _postOrder.Count)
        {
            return ENOENT;
        }

        _postOrder[next].Key.CopyTo(nextKey);
        return 0;
    }

    public int LookupBatch(bool delete, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, ref int count, ulong elemFlags) =>
        TwinBatch.UseGeneric;

    /// <summary>
    /// Post-order of two prefixes in a binary trie: at the first differing bit the 0 side comes first; when one
    /// is a prefix of the other, the longer (the descendant) comes first.
    /// </summary>
    private static int PostOrder(byte[] x, byte[] y)
    {
        uint xLength = PrefixLength(x);
        uint yLength = PrefixLength(y);
        uint common = Math.Min(xLength, yLength);
        for (int i = 4; i < x.Length && (uint)((i - 4) * 8) < common; i++)
        {
            int diff = x[i] ^ y[i];
            if (diff == 0)
            {
                continue;
            }

            int bit = 7 - (31 - int.LeadingZeroCount(diff)); // the first differing bit from the top of the byte
            if ((uint)((i - 4) * 8) + (uint)bit >= common)
            {
                break;
            }

            return (x[i] & (0x80 >> bit)) == 0 ? -1 : 1;
        }

        return yLength.CompareTo(xLength);
    }

    private static uint PrefixLength(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadUInt32LittleEndian(key);

    /// <summary>The prefix length followed by the data with every bit past <paramref name="length"/> cleared.</summary>
    private static void Normalize(ReadOnlySpan<byte> key, uint length, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, length);
        Span<byte> target = destination.Slice(4);
        target.Clear();
        int fullBytes = (int)(length / 8);
        key.Slice(4, fullBytes).CopyTo(target);
        int bits = (int)(length % 8);
        if (bits != 0)
        {
            target[fullBytes] = (byte)(key[4 + fullBytes] & (0xFF << (8 - bits)));
        }
    }

    private Node? FindExact(ReadOnlySpan<byte> key)
    {
        uint length = PrefixLength(key);
        if (length > _maxPrefix)
        {
            return null;
        }

        Span<byte> probe = stackalloc byte[_keySize];
        Normalize(key, length, probe);
        return _byPrefix.TryGetValue(probe, out Node? node) ? node : null;
    }

    private int IndexOf(Node node) => _postOrder.BinarySearch(node, PostOrderComparer);

    private sealed class Node(byte[] prefix, byte[] key, byte[] value)
    {
        public byte[] Prefix { get; } = prefix;

        public byte[] Key { get; } = key;

        public byte[] Value { get; } = value;
    }
}
