using System.Text.Json.Serialization;

namespace BpfChannels;

/// <summary>
/// The errno values that BPF commands report, with .NET names. The numeric value of each member is the
/// Linux errno (from the library's one errno table); <see cref="BpfException.ErrorName"/> gives the C name (EEXIST, ENOENT...).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<BpfError>))]
public enum BpfError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>EPERM: the operation is not permitted: a missing capability, a read-only or write-only descriptor, a frozen map, or a kernel policy.</summary>
    NotPermitted = Interop.Errno.EPERM,

    /// <summary>ENOENT: the key, pin or object does not exist.</summary>
    NotFound = Interop.Errno.ENOENT,

    /// <summary>EINTR: the call was interrupted.</summary>
    Interrupted = Interop.Errno.EINTR,

    /// <summary>E2BIG: the map is full, or an attribute or value is too big.</summary>
    TooBig = Interop.Errno.E2BIG,

    /// <summary>EBADF: the descriptor is closed or not a BPF object of the expected kind.</summary>
    BadDescriptor = Interop.Errno.EBADF,

    /// <summary>EAGAIN: try again.</summary>
    TryAgain = Interop.Errno.EAGAIN,

    /// <summary>ENOMEM: the kernel could not allocate the memory (memlock limit, memory cgroup, max_entries).</summary>
    OutOfMemory = Interop.Errno.ENOMEM,

    /// <summary>EACCES: access denied: a pin's file mode or directory, a read-only memory mapping, or the verifier refusing a program.</summary>
    AccessDenied = Interop.Errno.EACCES,

    /// <summary>EFAULT: a buffer address was invalid.</summary>
    BadAddress = Interop.Errno.EFAULT,

    /// <summary>EBUSY: the object is in use (a frozen map, a map being written by a program).</summary>
    Busy = Interop.Errno.EBUSY,

    /// <summary>EEXIST: the key or pin already exists.</summary>
    AlreadyExists = Interop.Errno.EEXIST,

    /// <summary>EINVAL: an argument or attribute is invalid for this map type or command.</summary>
    InvalidArgument = Interop.Errno.EINVAL,

    /// <summary>EMFILE: the process has too many open descriptors.</summary>
    TooManyOpenFiles = Interop.Errno.EMFILE,

    /// <summary>ENOSPC: a batch buffer is too small, or a queue or stack is full.</summary>
    NoSpace = Interop.Errno.ENOSPC,

    /// <summary>ERANGE: a value is out of range.</summary>
    OutOfRange = Interop.Errno.ERANGE,

    /// <summary>ENOSYS: the bpf() syscall is not available.</summary>
    NoSyscall = Interop.Errno.ENOSYS,

    /// <summary>EOPNOTSUPP: the operation is not supported.</summary>
    OperationNotSupported = Interop.Errno.EOPNOTSUPP,

    /// <summary>ENOTSUPP: the operation is not supported by this map type or kernel (kernel-internal 524).</summary>
    NotSupported = Interop.Errno.ENOTSUPP,
}
