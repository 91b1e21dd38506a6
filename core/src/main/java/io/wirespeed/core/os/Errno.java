package io.wirespeed.core.os;

/** Linux x86-64 errno values that our calls can meet, with their names and strerror texts. */
public final class Errno {
    public static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, ENXIO = 6, EBADF = 9, EAGAIN = 11,
            ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, ENODEV = 19, EINVAL = 22,
            ENFILE = 23, EMFILE = 24, ENOSPC = 28, ENOTSOCK = 88, EMSGSIZE = 90, EPROTONOSUPPORT = 93,
            EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETDOWN = 100,
            ENOBUFS = 105, ECONNREFUSED = 111;

    private Errno() {}

    public static String name(int e) {
        return switch (e) {
            case EPERM -> "EPERM"; case ENOENT -> "ENOENT"; case EINTR -> "EINTR"; case EIO -> "EIO";
            case ENXIO -> "ENXIO"; case EBADF -> "EBADF"; case EAGAIN -> "EAGAIN"; case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES"; case EFAULT -> "EFAULT"; case EBUSY -> "EBUSY"; case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV"; case EINVAL -> "EINVAL"; case ENFILE -> "ENFILE"; case EMFILE -> "EMFILE";
            case ENOSPC -> "ENOSPC"; case ENOTSOCK -> "ENOTSOCK"; case EMSGSIZE -> "EMSGSIZE";
            case EPROTONOSUPPORT -> "EPROTONOSUPPORT"; case EOPNOTSUPP -> "EOPNOTSUPP";
            case EAFNOSUPPORT -> "EAFNOSUPPORT"; case EADDRINUSE -> "EADDRINUSE";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL"; case ENETDOWN -> "ENETDOWN"; case ENOBUFS -> "ENOBUFS";
            case ECONNREFUSED -> "ECONNREFUSED";
            default -> "errno" + e;
        };
    }

    public static String describe(int e) {
        return switch (e) {
            case EPERM -> "Operation not permitted"; case ENOENT -> "No such file or directory";
            case EINTR -> "Interrupted system call"; case EIO -> "Input/output error";
            case ENXIO -> "No such device or address"; case EBADF -> "Bad file descriptor";
            case EAGAIN -> "Resource temporarily unavailable"; case ENOMEM -> "Cannot allocate memory";
            case EACCES -> "Permission denied"; case EFAULT -> "Bad address"; case EBUSY -> "Device or resource busy";
            case EEXIST -> "File exists"; case ENODEV -> "No such device"; case EINVAL -> "Invalid argument";
            case ENFILE -> "Too many open files in system"; case EMFILE -> "Too many open files";
            case ENOSPC -> "No space left on device"; case ENOTSOCK -> "Socket operation on non-socket";
            case EMSGSIZE -> "Message too long"; case EPROTONOSUPPORT -> "Protocol not supported";
            case EOPNOTSUPP -> "Operation not supported"; case EAFNOSUPPORT -> "Address family not supported by protocol";
            case EADDRINUSE -> "Address already in use"; case EADDRNOTAVAIL -> "Cannot assign requested address";
            case ENETDOWN -> "Network is down"; case ENOBUFS -> "No buffer space available";
            case ECONNREFUSED -> "Connection refused";
            default -> "unknown error";
        };
    }
}
