using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// What the kernel decides the same way for every map type: the update flag values, the element flag rules of
/// the syscall layer and of the type ops, and how values with a <c>struct bpf_spin_lock</c> are copied.
/// </summary>
internal static class TwinRules
{
    internal const ulong BPF_ANY = 0;
    internal const ulong BPF_NOEXIST = 1;
    internal const ulong BPF_EXIST = 2;
    internal const ulong BPF_F_LOCK = 4;

    /// <summary>
    /// Lookup-side flags (map_lookup_elem, lookup-and-delete, batch elem_flags): only BPF_F_LOCK is defined, and
    /// only a value with a spin lock takes it.
    /// </summary>
    internal static int CheckLockOnly(ulong flags, bool hasSpinLock) =>
        (flags & ~BPF_F_LOCK) != 0 || !LockAllowed(flags, hasSpinLock) ? EINVAL : 0;

    /// <summary>The syscall layer's rule before any type op: BPF_F_LOCK needs a spin lock in the value.</summary>
    internal static bool LockAllowed(ulong flags, bool hasSpinLock) => (flags & BPF_F_LOCK) == 0 || hasSpinLock;

    /// <summary>Hash and array ops: <c>(flags &amp; ~BPF_F_LOCK) &gt; BPF_EXIST</c> is EINVAL.</summary>
    internal static bool ValidElementFlags(ulong flags) => (flags & ~BPF_F_LOCK) <= BPF_EXIST;

    /// <summary>The kernel's check_flags: NoExist on a present key is EEXIST, Exist on a missing one ENOENT.</summary>
    internal static int CheckExistence(bool present, ulong flags)
    {
        ulong condition = flags & ~BPF_F_LOCK;
        if (present && condition == BPF_NOEXIST)
        {
            return EEXIST;
        }

        return !present && condition == BPF_EXIST ? ENOENT : 0;
    }

    /// <summary>
    /// Stores a value written from user space: copy_map_value copies everything but the special fields, and a
    /// spin lock at rest is unlocked (zero), so the stored lock word is zero.
    /// </summary>
    internal static void StoreValue(ReadOnlySpan<byte> source, Span<byte> destination, int spinLockOffset)
    {
        source.CopyTo(destination);
        if (spinLockOffset >= 0)
        {
            destination.Slice(spinLockOffset, 4).Clear();
        }
    }
}
