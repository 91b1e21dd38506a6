package io.wirespeed.net.testing;

/**
 * Real frames captured on a veth pair between two network namespaces with tcpdump, by
 * {@code capture-frames.sh} in this directory (frame numbers are those of the capture these bytes
 * come from; a new run numbers its frames a little differently). Hosts:
 * 198.18.0.2 / 2001:db8::2 with MAC 02:00:00:00:00:0a, and 198.18.0.1 / 2001:db8::1 with MAC
 * 02:00:00:00:00:0b. Transmit checksum offload was off, so every checksum is complete; tshark
 * reported all of them good. Field values quoted in tests come from tshark's dissection of the
 * same capture, not from our own parsers.
 */
public enum CapturedFrame {
    /** MLDv2 report from fe80::ff:fe00:b to ff02::16: a Hop-by-Hop header with the router alert option (frame 1, 110 bytes). */
    MLD_REPORT("""
                33 33 00 00 00 16 02 00 00 00 00 0b 86 dd 60 00
                00 00 00 38 00 01 fe 80 00 00 00 00 00 00 00 00
                00 ff fe 00 00 0b ff 02 00 00 00 00 00 00 00 00
                00 00 00 00 00 16 3a 00 05 02 00 00 01 00 8f 00
                6f d8 00 00 00 02 04 00 00 00 ff 02 00 00 00 00
                00 00 00 00 00 01 ff 00 00 0b 04 00 00 00 ff 02
                00 00 00 00 00 00 00 00 00 01 ff 00 00 01
                """),

    /** ARP request: who has 198.18.0.1? tell 198.18.0.2 (02:00:00:00:00:0a), to broadcast (frame 3, 42 bytes). */
    ARP_REQUEST("""
                ff ff ff ff ff ff 02 00 00 00 00 0a 08 06 00 01
                08 00 06 04 00 01 02 00 00 00 00 0a c6 12 00 02
                00 00 00 00 00 00 c6 12 00 01
                """),

    /** ARP reply: 198.18.0.1 is at 02:00:00:00:00:0b (frame 4, 42 bytes). */
    ARP_REPLY("""
                02 00 00 00 00 0a 02 00 00 00 00 0b 08 06 00 01
                08 00 06 04 00 02 02 00 00 00 00 0b c6 12 00 01
                02 00 00 00 00 0a c6 12 00 02
                """),

    /** ICMP echo request 198.18.0.2 -> 198.18.0.1, id 0x24b9 seq 1, 56 bytes of data (frame 5, 98 bytes). */
    ICMP_ECHO_REQUEST("""
                02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 45 00
                00 54 d1 b2 40 00 40 01 dc ce c6 12 00 02 c6 12
                00 01 08 00 4b 02 24 b9 00 01 f6 36 04 6b 00 00
                00 00 c4 ce 0a 00 00 00 00 00 10 11 12 13 14 15
                16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25
                26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35
                36 37
                """),

    /** ICMP echo reply 198.18.0.1 -> 198.18.0.2, id 0x24b9 seq 1 (frame 6, 98 bytes). */
    ICMP_ECHO_REPLY("""
                02 00 00 00 00 0a 02 00 00 00 00 0b 08 00 45 00
                00 54 fa 5a 00 00 40 01 f4 26 c6 12 00 01 c6 12
                00 02 00 00 53 02 24 b9 00 01 f6 36 04 6b 00 00
                00 00 c4 ce 0a 00 00 00 00 00 10 11 12 13 14 15
                16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25
                26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35
                36 37
                """),

    /** ICMP echo request with the record route option (ping -R): IHL 15 (frame 7, 138 bytes). */
    ICMP_ECHO_RECORD_ROUTE("""
                02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 4f 00
                00 7c d1 b3 40 00 40 01 e4 81 c6 12 00 02 c6 12
                00 01 01 07 27 08 c6 12 00 02 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 08 00 60 f3 24 ba
                00 01 f6 36 04 6b 00 00 00 00 ae dc 0a 00 00 00
                00 00 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d
                1e 1f 20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d
                2e 2f 30 31 32 33 34 35 36 37
                """),

    /** UDP 198.18.0.2:37974 -> 198.18.0.1:9999, 19 bytes "wirespeed udp probe" (frame 9, 61 bytes). */
    UDP4("""
                02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 45 00
                00 2f 28 26 40 00 40 11 86 70 c6 12 00 02 c6 12
                00 01 94 56 27 0f 00 1b 67 0b 77 69 72 65 73 70
                65 65 64 20 75 64 70 20 70 72 6f 62 65
                """),

    /** ICMP port unreachable 198.18.0.1 -> 198.18.0.2 quoting the UDP4 datagram (frame 10, 89 bytes). */
    ICMP_PORT_UNREACH("""
                02 00 00 00 00 0a 02 00 00 00 00 0b 08 00 45 c0
                00 4b fa 5d 00 00 40 01 f3 6c c6 12 00 01 c6 12
                00 02 03 03 89 51 00 00 00 00 45 00 00 2f 28 26
                40 00 40 11 86 70 c6 12 00 02 c6 12 00 01 94 56
                27 0f 00 1b 67 0b 77 69 72 65 73 70 65 65 64 20
                75 64 70 20 70 72 6f 62 65
                """),

    /** TCP SYN 198.18.0.2:51880 -> 198.18.0.1:8080 with MSS, SACK permitted, timestamps, window scale (frame 11, 74 bytes). */
    TCP_SYN("""
                02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 45 00
                00 3c 0c 57 40 00 40 06 a2 3d c6 12 00 02 c6 12
                00 01 ca a8 1f 90 9b 97 3c ee 00 00 00 00 a0 02
                fa f0 ae 41 00 00 02 04 05 b4 04 02 08 0a 50 ae
                ff 35 00 00 00 00 01 03 03 0a
                """),

    /** TCP SYN+ACK 198.18.0.1:8080 -> 198.18.0.2:51880 with the same options (frame 12, 74 bytes). */
    TCP_SYN_ACK("""
                02 00 00 00 00 0a 02 00 00 00 00 0b 08 00 45 00
                00 3c 00 00 40 00 40 06 ae 94 c6 12 00 01 c6 12
                00 02 1f 90 ca a8 f8 de cb 8e 9b 97 3c ef a0 12
                fe 88 b9 cb 00 00 02 04 05 b4 04 02 08 0a e4 27
                48 37 50 ae ff 35 01 03 03 0a
                """),

    /** TCP PSH+ACK 198.18.0.2:51880 -> 198.18.0.1:8080 carrying "ping", NOP NOP timestamps (frame 14, 70 bytes). */
    TCP_DATA("""
                02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 45 00
                00 38 0c 59 40 00 40 06 a2 3f c6 12 00 02 c6 12
                00 01 ca a8 1f 90 9b 97 3c ef f8 de cb 8f 80 18
                00 3f 08 08 00 00 01 01 08 0a 50 ae ff 35 e4 27
                48 37 70 69 6e 67
                """),

    /** ICMPv6 neighbor solicitation 2001:db8::2 -> ff02::1:ff00:1 for 2001:db8::1, source link-layer option (frame 22, 86 bytes). */
    ND_SOLICIT("""
                33 33 ff 00 00 01 02 00 00 00 00 0a 86 dd 60 00
                00 00 00 20 3a ff 20 01 0d b8 00 00 00 00 00 00
                00 00 00 00 00 02 ff 02 00 00 00 00 00 00 00 00
                00 01 ff 00 00 01 87 00 1c 1f 00 00 00 00 20 01
                0d b8 00 00 00 00 00 00 00 00 00 00 00 01 01 01
                02 00 00 00 00 0a
                """),

    /** ICMPv6 neighbor advertisement 2001:db8::1 -> 2001:db8::2, solicited + override, target link-layer option (frame 23, 86 bytes). */
    ND_ADVERT("""
                02 00 00 00 00 0a 02 00 00 00 00 0b 86 dd 60 00
                00 00 00 20 3a ff 20 01 0d b8 00 00 00 00 00 00
                00 00 00 00 00 01 20 01 0d b8 00 00 00 00 00 00
                00 00 00 00 00 02 88 00 8a 69 60 00 00 00 20 01
                0d b8 00 00 00 00 00 00 00 00 00 00 00 01 02 01
                02 00 00 00 00 0b
                """),

    /** ICMPv6 echo request 2001:db8::2 -> 2001:db8::1, id 0x24c0 seq 1 (frame 24, 118 bytes). */
    ICMP6_ECHO_REQUEST("""
                02 00 00 00 00 0b 02 00 00 00 00 0a 86 dd 60 0a
                15 6d 00 40 3a 40 20 01 0d b8 00 00 00 00 00 00
                00 00 00 00 00 02 20 01 0d b8 00 00 00 00 00 00
                00 00 00 00 00 01 80 00 e6 e0 24 c0 00 01 f7 36
                04 6b 00 00 00 00 55 f9 08 00 00 00 00 00 10 11
                12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21
                22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31
                32 33 34 35 36 37
                """),

    /** ICMPv6 echo reply 2001:db8::1 -> 2001:db8::2, id 0x24c0 seq 1 (frame 25, 118 bytes). */
    ICMP6_ECHO_REPLY("""
                02 00 00 00 00 0a 02 00 00 00 00 0b 86 dd 60 02
                83 34 00 40 3a 40 20 01 0d b8 00 00 00 00 00 00
                00 00 00 00 00 01 20 01 0d b8 00 00 00 00 00 00
                00 00 00 00 00 02 81 00 e5 e0 24 c0 00 01 f7 36
                04 6b 00 00 00 00 55 f9 08 00 00 00 00 00 10 11
                12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21
                22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31
                32 33 34 35 36 37
                """),

    /** First fragment of a 2008-byte UDP datagram 2001:db8::2 -> 2001:db8::1: Hop-by-Hop (option 0x1e), Destination Options (option 0x3e), Fragment (id 0x46db1ca1, M), UDP (frame 26, 1510 bytes). */
    IPV6_EXT_CHAIN("""
                02 00 00 00 00 0b 02 00 00 00 00 0a 86 dd 60 08
                f1 97 05 b0 00 40 20 01 0d b8 00 00 00 00 00 00
                00 00 00 00 00 02 20 01 0d b8 00 00 00 00 00 00
                00 00 00 00 00 01 3c 00 1e 02 ab cd 01 00 2c 00
                3e 04 01 02 03 04 11 00 00 01 46 db 1c a1 92 4a
                27 0f 07 d8 99 b1 00 01 02 03 04 05 06 07 08 09
                0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19
                1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29
                2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37 38 39
                3a 3b 3c 3d 3e 3f 40 41 42 43 44 45 46 47 48 49
                4a 4b 4c 4d 4e 4f 50 51 52 53 54 55 56 57 58 59
                5a 5b 5c 5d 5e 5f 60 61 62 63 64 65 66 67 68 69
                6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76 77 78 79
                7a 7b 7c 7d 7e 7f 80 81 82 83 84 85 86 87 88 89
                8a 8b 8c 8d 8e 8f 90 91 92 93 94 95 96 97 98 99
                9a 9b 9c 9d 9e 9f a0 a1 a2 a3 a4 a5 a6 a7 a8 a9
                aa ab ac ad ae af b0 b1 b2 b3 b4 b5 b6 b7 b8 b9
                ba bb bc bd be bf c0 c1 c2 c3 c4 c5 c6 c7 c8 c9
                ca cb cc cd ce cf d0 d1 d2 d3 d4 d5 d6 d7 d8 d9
                da db dc dd de df e0 e1 e2 e3 e4 e5 e6 e7 e8 e9
                ea eb ec ed ee ef f0 f1 f2 f3 f4 f5 f6 f7 f8 f9
                fa fb fc fd fe ff 00 01 02 03 04 05 06 07 08 09
                0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19
                1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29
                2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37 38 39
                3a 3b 3c 3d 3e 3f 40 41 42 43 44 45 46 47 48 49
                4a 4b 4c 4d 4e 4f 50 51 52 53 54 55 56 57 58 59
                5a 5b 5c 5d 5e 5f 60 61 62 63 64 65 66 67 68 69
                6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76 77 78 79
                7a 7b 7c 7d 7e 7f 80 81 82 83 84 85 86 87 88 89
                8a 8b 8c 8d 8e 8f 90 91 92 93 94 95 96 97 98 99
                9a 9b 9c 9d 9e 9f a0 a1 a2 a3 a4 a5 a6 a7 a8 a9
                aa ab ac ad ae af b0 b1 b2 b3 b4 b5 b6 b7 b8 b9
                ba bb bc bd be bf c0 c1 c2 c3 c4 c5 c6 c7 c8 c9
                ca cb cc cd ce cf d0 d1 d2 d3 d4 d5 d6 d7 d8 d9
                da db dc dd de df e0 e1 e2 e3 e4 e5 e6 e7 e8 e9
                ea eb ec ed ee ef f0 f1 f2 f3 f4 f5 f6 f7 f8 f9
                fa fb fc fd fe ff 00 01 02 03 04 05 06 07 08 09
                0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19
                1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29
                2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37 38 39
                3a 3b 3c 3d 3e 3f 40 41 42 43 44 45 46 47 48 49
                4a 4b 4c 4d 4e 4f 50 51 52 53 54 55 56 57 58 59
                5a 5b 5c 5d 5e 5f 60 61 62 63 64 65 66 67 68 69
                6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76 77 78 79
                7a 7b 7c 7d 7e 7f 80 81 82 83 84 85 86 87 88 89
                8a 8b 8c 8d 8e 8f 90 91 92 93 94 95 96 97 98 99
                9a 9b 9c 9d 9e 9f a0 a1 a2 a3 a4 a5 a6 a7 a8 a9
                aa ab ac ad ae af b0 b1 b2 b3 b4 b5 b6 b7 b8 b9
                ba bb bc bd be bf c0 c1 c2 c3 c4 c5 c6 c7 c8 c9
                ca cb cc cd ce cf d0 d1 d2 d3 d4 d5 d6 d7 d8 d9
                da db dc dd de df e0 e1 e2 e3 e4 e5 e6 e7 e8 e9
                ea eb ec ed ee ef f0 f1 f2 f3 f4 f5 f6 f7 f8 f9
                fa fb fc fd fe ff 00 01 02 03 04 05 06 07 08 09
                0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19
                1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29
                2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37 38 39
                3a 3b 3c 3d 3e 3f 40 41 42 43 44 45 46 47 48 49
                4a 4b 4c 4d 4e 4f 50 51 52 53 54 55 56 57 58 59
                5a 5b 5c 5d 5e 5f 60 61 62 63 64 65 66 67 68 69
                6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76 77 78 79
                7a 7b 7c 7d 7e 7f 80 81 82 83 84 85 86 87 88 89
                8a 8b 8c 8d 8e 8f 90 91 92 93 94 95 96 97 98 99
                9a 9b 9c 9d 9e 9f a0 a1 a2 a3 a4 a5 a6 a7 a8 a9
                aa ab ac ad ae af b0 b1 b2 b3 b4 b5 b6 b7 b8 b9
                ba bb bc bd be bf c0 c1 c2 c3 c4 c5 c6 c7 c8 c9
                ca cb cc cd ce cf d0 d1 d2 d3 d4 d5 d6 d7 d8 d9
                da db dc dd de df e0 e1 e2 e3 e4 e5 e6 e7 e8 e9
                ea eb ec ed ee ef f0 f1 f2 f3 f4 f5 f6 f7 f8 f9
                fa fb fc fd fe ff 00 01 02 03 04 05 06 07 08 09
                0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19
                1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29
                2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37 38 39
                3a 3b 3c 3d 3e 3f 40 41 42 43 44 45 46 47 48 49
                4a 4b 4c 4d 4e 4f 50 51 52 53 54 55 56 57 58 59
                5a 5b 5c 5d 5e 5f 60 61 62 63 64 65 66 67 68 69
                6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76 77 78 79
                7a 7b 7c 7d 7e 7f 80 81 82 83 84 85 86 87 88 89
                8a 8b 8c 8d 8e 8f 90 91 92 93 94 95 96 97 98 99
                9a 9b 9c 9d 9e 9f a0 a1 a2 a3 a4 a5 a6 a7 a8 a9
                aa ab ac ad ae af b0 b1 b2 b3 b4 b5 b6 b7 b8 b9
                ba bb bc bd be bf c0 c1 c2 c3 c4 c5 c6 c7 c8 c9
                ca cb cc cd ce cf d0 d1 d2 d3 d4 d5 d6 d7 d8 d9
                da db dc dd de df e0 e1 e2 e3 e4 e5 e6 e7 e8 e9
                ea eb ec ed ee ef f0 f1 f2 f3 f4 f5 f6 f7 f8 f9
                fa fb fc fd fe ff 00 01 02 03 04 05 06 07 08 09
                0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19
                1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29
                2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37 38 39
                3a 3b 3c 3d 3e 3f 40 41 42 43 44 45 46 47 48 49
                4a 4b 4c 4d 4e 4f 50 51 52 53 54 55 56 57 58 59
                5a 5b 5c 5d 5e 5f 60 61 62 63 64 65 66 67 68 69
                6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76 77 78 79
                7a 7b 7c 7d 7e 7f 80 81 82 83 84 85 86 87 88 89
                8a 8b 8c 8d 8e 8f
                """),

    /** Last fragment of the same datagram: Hop-by-Hop, Destination Options, Fragment (offset 1432, no M), data (frame 27, 654 bytes). */
    IPV6_LAST_FRAGMENT("""
                02 00 00 00 00 0b 02 00 00 00 00 0a 86 dd 60 08
                f1 97 02 58 00 40 20 01 0d b8 00 00 00 00 00 00
                00 00 00 00 00 02 20 01 0d b8 00 00 00 00 00 00
                00 00 00 00 00 01 3c 00 1e 02 ab cd 01 00 2c 00
                3e 04 01 02 03 04 11 00 05 98 46 db 1c a1 90 91
                92 93 94 95 96 97 98 99 9a 9b 9c 9d 9e 9f a0 a1
                a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af b0 b1
                b2 b3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf c0 c1
                c2 c3 c4 c5 c6 c7 c8 c9 ca cb cc cd ce cf d0 d1
                d2 d3 d4 d5 d6 d7 d8 d9 da db dc dd de df e0 e1
                e2 e3 e4 e5 e6 e7 e8 e9 ea eb ec ed ee ef f0 f1
                f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff 00 01
                02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11
                12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21
                22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31
                32 33 34 35 36 37 38 39 3a 3b 3c 3d 3e 3f 40 41
                42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 51
                52 53 54 55 56 57 58 59 5a 5b 5c 5d 5e 5f 60 61
                62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70 71
                72 73 74 75 76 77 78 79 7a 7b 7c 7d 7e 7f 80 81
                82 83 84 85 86 87 88 89 8a 8b 8c 8d 8e 8f 90 91
                92 93 94 95 96 97 98 99 9a 9b 9c 9d 9e 9f a0 a1
                a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af b0 b1
                b2 b3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf c0 c1
                c2 c3 c4 c5 c6 c7 c8 c9 ca cb cc cd ce cf d0 d1
                d2 d3 d4 d5 d6 d7 d8 d9 da db dc dd de df e0 e1
                e2 e3 e4 e5 e6 e7 e8 e9 ea eb ec ed ee ef f0 f1
                f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00 00 00 00 00 00 00
                """),

    /** 802.1Q tag (PCP 5, VID 100) over UDP 198.18.0.2:4000 -> 198.18.0.1:5000 "tagged" (scapy) (frame 29, 52 bytes). */
    VLAN_UDP("""
                02 00 00 00 00 0b 02 00 00 00 00 0a 81 00 a0 64
                08 00 45 00 00 22 12 34 00 00 40 11 dc 6f c6 12
                00 02 c6 12 00 01 0f a0 13 88 00 0e 0f 55 74 61
                67 67 65 64
                """),

    /** 802.1ad tag (PCP 3, VID 200) over an 802.1Q tag (VID 100) over the same UDP datagram (scapy) (frame 30, 56 bytes). */
    QINQ_UDP("""
                02 00 00 00 00 0b 02 00 00 00 00 0a 88 a8 60 c8
                81 00 00 64 08 00 45 00 00 22 12 34 00 00 40 11
                dc 6f c6 12 00 02 c6 12 00 01 0f a0 13 88 00 0e
                0f 55 74 61 67 67 65 64
                """);

    private final String hex;

    CapturedFrame(String hex) {
        this.hex = hex;
    }

    /** A fresh copy of the frame's bytes, free for the caller to modify. */
    public byte[] bytes() {
        return Hex.parse(hex);
    }
}
