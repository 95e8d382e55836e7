using System.Text.Json.Serialization;

namespace BpfChannels;

/// <summary>
/// The errno values that BPF commands report, with .NET names. The numeric value of each member is the
/// Linux errno; <see cref="BpfException.ErrorName"/> gives the C name (EEXIST, ENOENT...).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<BpfError>))]
public enum BpfError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>EPERM: the caller lacks CAP_BPF (or CAP_SYS_ADMIN), or the operation is not permitted.</summary>
    NotPermitted = 1,

    /// <summary>ENOENT: the key, pin or object does not exist.</summary>
    NotFound = 2,

    /// <summary>EINTR: the call was interrupted.</summary>
    Interrupted = 4,

    /// <summary>E2BIG: the map is full, or an attribute or value is too big.</summary>
    TooBig = 7,

    /// <summary>EBADF: the descriptor is closed or not a BPF object of the expected kind.</summary>
    BadDescriptor = 9,

    /// <summary>EAGAIN: try again.</summary>
    TryAgain = 11,

    /// <summary>ENOMEM: the kernel could not allocate the memory (memlock limit, memory cgroup, max_entries).</summary>
    OutOfMemory = 12,

    /// <summary>EACCES: access denied (read-only or write-only descriptor, frozen map).</summary>
    AccessDenied = 13,

    /// <summary>EFAULT: a buffer address was invalid.</summary>
    BadAddress = 14,

    /// <summary>EBUSY: the object is in use (a frozen map, a map being written by a program).</summary>
    Busy = 16,

    /// <summary>EEXIST: the key or pin already exists.</summary>
    AlreadyExists = 17,

    /// <summary>EINVAL: an argument or attribute is invalid for this map type or command.</summary>
    InvalidArgument = 22,

    /// <summary>EMFILE: the process has too many open descriptors.</summary>
    TooManyOpenFiles = 24,

    /// <summary>ENOSPC: a batch buffer is too small, or a queue or stack is full.</summary>
    NoSpace = 28,

    /// <summary>ERANGE: a value is out of range.</summary>
    OutOfRange = 34,

    /// <summary>ENOSYS: the bpf() syscall is not available.</summary>
    NoSyscall = 38,

    /// <summary>EOPNOTSUPP: the operation is not supported.</summary>
    OperationNotSupported = 95,

    /// <summary>ENOTSUPP: the operation is not supported by this map type or kernel (kernel-internal 524).</summary>
    NotSupported = 524,
}
