NAME        
ROWS
 N  Obj     
 L  r0      
 L  r1      
 L  r2      
 L  r3      
 L  r4      
 L  r5      
 L  r6      
 L  r7      
 E  r8      
 E  r9      
 E  r10     
 E  r11     
 E  r12     
 E  r13     
 E  r14     
 E  r15     
 E  r16     
 E  r17     
 E  r18     
 E  r19     
 E  r20     
 E  r21     
 E  r22     
 G  r23     
 G  r24     
 G  r25     
 G  r26     
 G  r27     
 L  r28     
 L  r29     
 L  r30     
 L  r31     
 L  r32     
 L  r33     
 L  r34     
 L  r35     
 L  r36     
 L  r37     
 L  r38     
 L  r39     
 L  r40     
 L  r41     
 L  r42     
 L  r43     
 L  r44     
 L  r45     
 L  r46     
 L  r47     
 L  r48     
 L  r49     
 L  r50     
 L  r51     
 L  r52     
 L  r53     
 L  r54     
 L  r55     
 L  r56     
 L  r57     
 L  r58     
 L  r59     
 L  r60     
 L  r61     
 L  r62     
 L  r63     
 L  r64     
 L  r65     
 L  r66     
 L  r67     
 L  r68     
 L  r69     
 L  r70     
 L  r71     
 L  r72     
 L  r73     
 L  r74     
 L  r75     
 L  r76     
 L  r77     
 L  r78     
 L  r79     
 L  r80     
 G  r81     
 G  r82     
 G  r83     
 G  r84     
 G  r85     
 G  r86     
 G  r87     
 G  r88     
 G  r89     
 G  r90     
 G  r91     
 G  r92     
 G  r93     
 G  r94     
 G  r95     
 E  r96     
 E  r97     
 E  r98     
 E  r99     
 E  r100    
 E  r101    
 E  r102    
 E  r103    
 E  r104    
 E  r105    
 E  r106    
 E  r107    
 E  r108    
 E  r109    
 E  r110    
 G  r111    
 G  r112    
 G  r113    
COLUMNS
    c0        Obj       495520.33426183852
    c0        r0        1
    c0        r19       -1
    c0        r70       1
    c1        Obj       -50.000000000000213
    c1        r0        -1
    c1        r4        1
    c1        r70       -1
    c2        Obj       423702.2284122564
    c2        r1        1
    c2        r19       -1
    c2        r72       1
    c3        Obj       -109.99999999999966
    c3        r1        -1
    c3        r6        1
    c3        r72       -1
    c4        Obj       120530.64066852369
    c4        r2        1
    c4        r21       -1
    c4        r75       1
    c5        Obj       -500
    c5        r2        -1
    c5        r5        1
    c5        r75       -1
    c6        Obj       1944077.9944289695
    c6        r3        1
    c6        r22       -1
    c6        r80       1
    c7        Obj       -19.999999999999872
    c7        r3        -1
    c7        r7        1
    c7        r80       -1
    c8        Obj       -3528.4139181017945
    c8        r8        -1
    c8        r28       1
    c9        Obj       420.20000000000027
    c9        r8        -1
    c9        r44       1
    c10       Obj       -4262.8726368159159
    c10       r8        -1
    c10       r45       1
    c11       Obj       -6696.5881362418622
    c11       r8        1
    c11       r28       -0.5
    c11       r81       1
    c12       Obj       500000
    c12       r9        -1
    c12       r46       1
    c13       Obj       207067.77714285743
    c13       r9        -1
    c13       r82       -0.5
    c14       Obj       473930.00000000006
    c14       r9        -1
    c14       r47       1
    c15       Obj       -384.17942857142793
    c15       r9        1
    c15       r82       1
    c16       Obj       -1809.9016456180661
    c16       r10       -1
    c16       r29       1
    c17       Obj       1303.0102564102563
    c17       r10       -1
    c17       r48       1
    c18       Obj       -1995.9751243781116
    c18       r10       -1
    c18       r49       1
    c19       Obj       -5479.8032912361323
    c19       r10       1
    c19       r29       -0.5
    c19       r83       1
    c20       Obj       130000
    c20       r11       -1
    c20       r50       1
    c21       Obj       1223.9402985075285
    c21       r11       -1
    c21       r30       1
    c21       r31       1
    c22       Obj       158372
    c22       r11       -1
    c22       r51       1
    c23       Obj       122000
    c23       r11       -1
    c23       r84       -1
    c24       Obj       -70077.864676617086
    c24       r11       -1
    c24       r52       1
    c25       Obj       176712.48000000001
    c25       r11       -1
    c25       r30       0.5
    c25       r53       1
    c26       Obj       -2194.780995024872
    c26       r11       1
    c26       r30       -0.5
    c26       r31       -0.5
    c26       r84       1
    c27       Obj       797999.99999999953
    c27       r12       -1
    c27       r85       -0.5
    c28       Obj       2001240
    c28       r12       -1
    c28       r54       1
    c29       Obj       -159.38000000000011
    c29       r12       1
    c29       r85       1
    c30       Obj       -1789.7867989316337
    c30       r13       -1
    c30       r32       1
    c30       r86       -0.32999999999999996
    c31       Obj       5500.0239175257739
    c31       r13       -1
    c31       r55       1
    c32       Obj       -7583.1457711442763
    c32       r13       -1
    c32       r56       0.67000000000000004
    c32       r86       -0.32999999999999996
    c33       Obj       -4750.8402786036231
    c33       r13       1
    c33       r32       -0.5
    c33       r86       1
    c34       Obj       500000
    c34       r14       -1
    c34       r57       1
    c35       Obj       172568.15255369758
    c35       r14       -1
    c35       r33       1
    c35       r87       -0.66500000000000004
    c36       Obj       437325.08448455401
    c36       r14       -1
    c36       r58       1
    c37       Obj       446760.00000000006
    c37       r14       -1
    c37       r59       0.67000000000000004
    c37       r87       -0.32999999999999996
    c38       Obj       -761.11632274960971
    c38       r14       1
    c38       r33       -0.65000000000000002
    c38       r87       1
    c39       Obj       -925.10123477320985
    c39       r15       -1
    c39       r34       1
    c39       r88       -0.32999999999999996
    c40       Obj       3779.0512820512822
    c40       r15       -1
    c40       r60       1
    c41       Obj       -2909.9870646766167
    c41       r15       -1
    c41       r61       0.67000000000000004
    c41       r88       -0.32999999999999996
    c42       Obj       -3710.2024695464197
    c42       r15       1
    c42       r34       -0.5
    c42       r88       1
    c43       Obj       130000
    c43       r16       -1
    c43       r62       1
    c44       Obj       -261142.04182430485
    c44       r16       -1
    c44       r35       1
    c44       r36       1
    c44       r89       -0.32999999999999996
    c45       Obj       247615.19999999998
    c45       r16       -1
    c45       r63       1
    c46       Obj       -47190.510447761219
    c46       r16       -1
    c46       r89       -0.32999999999999996
    c47       Obj       -234405.15799999994
    c47       r16       -1
    c47       r64       0.67000000000000004
    c47       r89       -0.32999999999999996
    c48       Obj       109220.07223880597
    c48       r16       -1
    c48       r35       0.5
    c48       r65       0.67000000000000004
    c48       r89       -0.32999999999999996
    c49       Obj       -6844.8668440527199
    c49       r16       1
    c49       r35       -0.5
    c49       r36       -0.5
    c49       r89       1
    c50       Obj       912186.35618875071
    c50       r17       -1
    c50       r37       1
    c50       r90       -0.66500000000000004
    c51       Obj       2099800.1273539639
    c51       r17       -1
    c51       r66       1
    c52       Obj       1961360.0000000002
    c52       r17       -1
    c52       r67       0.67000000000000004
    c52       r90       -0.32999999999999996
    c53       Obj       -58.040462406112113
    c53       r17       1
    c53       r37       -0.65000000000000002
    c53       r90       1
    c54       Obj       -3784.0000000000073
    c54       r18       -1
    c54       r38       1
    c54       r91       -0.5
    c55       Obj       5420.8281882663741
    c55       r18       -1
    c55       r68       1
    c56       Obj       -4348.8356268795333
    c56       r18       -1
    c56       r69       1
    c57       Obj       -6300.0000000000091
    c57       r18       1
    c57       r23       1
    c57       r38       -0.5
    c57       r91       1
    c58       Obj       211466.49999999994
    c58       r19       -1
    c58       r39       1
    c58       r92       -1
    c59       Obj       551963.22917761013
    c59       r19       -1
    c59       r71       1
    c60       Obj       -489.00000000000068
    c60       r19       1
    c60       r24       1
    c60       r39       -0.65000000000000002
    c60       r92       1
    c61       Obj       -1570.0000000000041
    c61       r20       -1
    c61       r40       1
    c61       r93       -0.5
    c62       Obj       2500.6963788300836
    c62       r20       -1
    c62       r73       1
    c63       Obj       -2024.644188528117
    c63       r20       -1
    c63       r74       1
    c64       Obj       -5000.0000000000082
    c64       r20       1
    c64       r25       1
    c64       r40       -0.5
    c64       r93       1
    c65       Obj       -253800.00000000035
    c65       r21       -1
    c65       r41       1
    c65       r42       1
    c65       r94       -0.5
    c66       Obj       241144.28969359334
    c66       r21       -1
    c66       r76       1
    c67       Obj       121782.50696378833
    c67       r21       -1
    c68       Obj       -125774.09470752114
    c68       r21       -1
    c68       r77       1
    c69       Obj       120840.6685236769
    c69       r21       -1
    c69       r41       0.5
    c69       r78       0.5
    c69       r94       -0.5
    c70       Obj       -6230.0000000000073
    c70       r21       1
    c70       r26       1
    c70       r41       -0.5
    c70       r42       -0.5
    c70       r94       1
    c71       Obj       890102.5
    c71       r22       -1
    c71       r43       1
    c71       r95       -1
    c72       Obj       2129422.8451079568
    c72       r22       -1
    c72       r79       1
    c73       Obj       -97.000000000000114
    c73       r22       1
    c73       r27       1
    c73       r43       -0.65000000000000002
    c73       r95       1
    c74       Obj       5200
    c74       r44       1
    c74       r81       1
    c75       Obj       4600
    c75       r45       1
    c75       r81       1
    c76       Obj       1100000
    c76       r46       1
    c76       r82       1
    c77       Obj       1100000
    c77       r47       1
    c77       r82       1
    c78       Obj       3800
    c78       r48       1
    c78       r83       1
    c79       Obj       2800
    c79       r49       1
    c79       r83       1
    c80       Obj       190000
    c80       r50       1
    c80       r84       1
    c81       Obj       190000
    c81       r51       1
    c81       r84       1
    c82       Obj       190000
    c82       r52       1
    c82       r84       1
    c83       Obj       190000
    c83       r53       1
    c83       r84       1
    c84       Obj       4000000.0000000005
    c84       r54       1
    c84       r85       1
    c85       Obj       5200
    c85       r55       1
    c85       r86       1
    c86       Obj       4600
    c86       r56       1
    c86       r86       1
    c87       Obj       1100000
    c87       r57       1
    c87       r87       1
    c88       Obj       1100000
    c88       r58       1
    c88       r87       1
    c89       Obj       1100000
    c89       r59       1
    c89       r87       1
    c90       Obj       3800
    c90       r60       1
    c90       r88       1
    c91       Obj       2800
    c91       r61       1
    c91       r88       1
    c92       Obj       190000
    c92       r62       1
    c92       r89       1
    c93       Obj       190000
    c93       r63       1
    c93       r89       1
    c94       Obj       190000
    c94       r64       1
    c94       r89       1
    c95       Obj       190000
    c95       r65       1
    c95       r89       1
    c96       Obj       4000000
    c96       r66       1
    c96       r90       1
    c97       Obj       4000000
    c97       r67       1
    c97       r90       1
    c98       Obj       5200
    c98       r68       1
    c98       r91       1
    c99       Obj       4600
    c99       r69       1
    c99       r91       1
    c100      Obj       1100000
    c100      r70       1
    c100      r92       1
    c101      Obj       1100000
    c101      r71       1
    c101      r92       1
    c102      Obj       1100000
    c102      r72       1
    c102      r92       1
    c103      Obj       3800
    c103      r73       1
    c103      r93       1
    c104      Obj       2800
    c104      r74       1
    c104      r93       1
    c105      Obj       190000
    c105      r75       1
    c105      r94       1
    c106      Obj       190000
    c106      r76       1
    c106      r94       1
    c107      Obj       190000
    c107      r77       1
    c107      r94       1
    c108      Obj       190000
    c108      r78       1
    c108      r94       1
    c109      Obj       4000000
    c109      r79       1
    c109      r95       1
    c110      Obj       4000000
    c110      r80       1
    c110      r95       1
    c111      r81       1
    c111      r96       1
    c112      r81       -1
    c112      r96       -1
    c113      Obj       14999.999999999998
    c113      r81       1
    c114      Obj       -97.833267011540059
    c114      r82       1
    c114      r97       1
    c115      Obj       67.718662952646241
    c115      r82       -1
    c115      r97       -1
    c116      Obj       2500000
    c116      r82       1
    c117      r83       1
    c117      r98       1
    c118      r83       -1
    c118      r98       -1
    c119      Obj       10000
    c119      r83       1
    c120      Obj       -1452.7019498607237
    c120      r84       1
    c120      r99       1
    c121      Obj       1273.119777158774
    c121      r84       -1
    c121      r99       -1
    c122      Obj       400000
    c122      r84       1
    c123      r85       1
    c123      r100      1
    c124      Obj       -16.392757660167099
    c124      r85       -1
    c124      r100      -1
    c125      Obj       8000000.0000000009
    c125      r85       1
    c126      r86       1
    c126      r101      1
    c127      r86       -1
    c127      r101      -1
    c128      Obj       15000
    c128      r86       1
    c129      Obj       -162.00000000000023
    c129      r87       1
    c129      r102      1
    c130      r87       -1
    c130      r102      -1
    c131      Obj       2500000
    c131      r87       1
    c132      r88       1
    c132      r103      1
    c133      r88       -1
    c133      r103      -1
    c134      Obj       10000
    c134      r88       1
    c135      Obj       -2470.0000000000036
    c135      r89       1
    c135      r104      1
    c136      r89       -1
    c136      r104      -1
    c137      Obj       400000
    c137      r89       1
    c138      Obj       -40.000000000000043
    c138      r90       1
    c138      r105      1
    c139      r90       -1
    c139      r105      -1
    c140      Obj       8000000
    c140      r90       1
    c141      r91       1
    c141      r106      1
    c142      r91       -1
    c142      r106      -1
    c143      Obj       15000
    c143      r91       1
    c144      r92       1
    c144      r107      1
    c145      r92       -1
    c145      r107      -1
    c146      Obj       2500000
    c146      r92       1
    c147      r93       1
    c147      r108      1
    c148      r93       -1
    c148      r108      -1
    c149      Obj       10000
    c149      r93       1
    c150      r94       1
    c150      r109      1
    c151      r94       -1
    c151      r109      -1
    c152      Obj       400000
    c152      r94       1
    c153      r95       1
    c153      r110      1
    c154      r95       -1
    c154      r110      -1
    c155      Obj       8000000
    c155      r95       1
    c156      r96       1
    c156      r101      -1
    c157      Obj       34117.109828889777
    c157      r97       1
    c157      r102      -1
    c158      r98       1
    c158      r103      -1
    c159      Obj       37775.68245125348
    c159      r99       1
    c159      r104      -1
    c160      Obj       92207.688022284128
    c160      r100      1
    c160      r105      -1
    c161      r101      1
    c161      r106      -1
    c162      Obj       31000
    c162      r102      1
    c162      r107      -1
    c163      r103      1
    c163      r108      -1
    c164      Obj       13000
    c164      r104      1
    c164      r109      -1
    c165      Obj       95000
    c165      r105      1
    c165      r110      -1
    c166      r106      1
    c167      Obj       31000
    c167      r107      1
    c167      r111      1
    c168      r108      1
    c169      Obj       13000
    c169      r109      1
    c169      r112      1
    c170      Obj       95000
    c170      r110      1
    c170      r113      1
    c171      Obj       2500000
    c171      r111      1
    c172      Obj       400000
    c172      r112      1
    c173      Obj       8000000
    c173      r113      1
RHS
    RHS_V     Obj       -2202012097.0164528
    RHS_V     r1        55
    RHS_V     r3        10
    RHS_V     r4        50
    RHS_V     r5        500
    RHS_V     r6        110
    RHS_V     r7        20
    RHS_V     r23       6300
    RHS_V     r24       424
    RHS_V     r25       5000
    RHS_V     r26       5410
    RHS_V     r27       84
    RHS_V     r44       2500
    RHS_V     r45       3000
    RHS_V     r47       55
    RHS_V     r48       1500
    RHS_V     r49       2500
    RHS_V     r51       300
    RHS_V     r52       3000
    RHS_V     r53       2500
    RHS_V     r54       10
    RHS_V     r55       2500
    RHS_V     r56       2010.0000000000002
    RHS_V     r58       250
    RHS_V     r59       36.850000000000001
    RHS_V     r60       1500
    RHS_V     r61       1675
    RHS_V     r63       600
    RHS_V     r64       2010.0000000000002
    RHS_V     r65       1675
    RHS_V     r66       45
    RHS_V     r67       6.7000000000000002
    RHS_V     r68       2500
    RHS_V     r69       3000
    RHS_V     r71       250
    RHS_V     r72       55
    RHS_V     r73       1500
    RHS_V     r74       2500
    RHS_V     r76       600
    RHS_V     r77       3000
    RHS_V     r78       1250
    RHS_V     r79       45
    RHS_V     r80       10
    RHS_V     r81       6300
    RHS_V     r82       400
    RHS_V     r83       5000
    RHS_V     r84       5000
    RHS_V     r85       80
    RHS_V     r86       6300
    RHS_V     r87       412
    RHS_V     r88       5000
    RHS_V     r89       5200
    RHS_V     r90       82
    RHS_V     r91       6300
    RHS_V     r92       424
    RHS_V     r93       5000
    RHS_V     r94       5410
    RHS_V     r95       84
    RHS_V     r97       65
    RHS_V     r99       820
    RHS_V     r100      13
    RHS_V     r111      65
    RHS_V     r112      820
    RHS_V     r113      13
BOUNDS
 UP BOUND     c0        50
 UP BOUND     c1        50
 UP BOUND     c2        165
 UP BOUND     c3        110
 UP BOUND     c4        500
 UP BOUND     c5        500
 UP BOUND     c6        30
 UP BOUND     c7        20
 UP BOUND     c8        8000
 UP BOUND     c9        2500
 UP BOUND     c10       3000
 UP BOUND     c11       13500
 FX BOUND     c12       0
 UP BOUND     c13       1000
 UP BOUND     c14       55
 UP BOUND     c15       1055
 UP BOUND     c16       7000
 UP BOUND     c17       1500
 UP BOUND     c18       2500
 UP BOUND     c19       11000
 FX BOUND     c20       0
 UP BOUND     c21       9000
 UP BOUND     c22       300
 UP BOUND     c23       1000
 LO BOUND     c24       1500
 UP BOUND     c24       3000
 UP BOUND     c25       2500
 UP BOUND     c26       15800
 UP BOUND     c27       200
 UP BOUND     c28       10
 UP BOUND     c29       210
 UP BOUND     c30       8000
 UP BOUND     c31       2500
 UP BOUND     c32       3000
 UP BOUND     c33       13500
 FX BOUND     c34       0
 UP BOUND     c35       1000
 UP BOUND     c36       250
 UP BOUND     c37       55
 UP BOUND     c38       1305
 UP BOUND     c39       7000
 UP BOUND     c40       1500
 UP BOUND     c41       2500
 UP BOUND     c42       11000
 FX BOUND     c43       0
 UP BOUND     c44       9000
 UP BOUND     c45       600
 UP BOUND     c46       1000
 LO BOUND     c47       1500
 UP BOUND     c47       3000
 UP BOUND     c48       2500
 UP BOUND     c49       16100
 UP BOUND     c50       200
 UP BOUND     c51       45
 UP BOUND     c52       10
 UP BOUND     c53       255
 UP BOUND     c54       8000
 UP BOUND     c55       2500
 UP BOUND     c56       3000
 UP BOUND     c57       13500
 UP BOUND     c58       1000
 UP BOUND     c59       250
 UP BOUND     c60       1465
 UP BOUND     c61       7000
 UP BOUND     c62       1500
 UP BOUND     c63       2500
 UP BOUND     c64       11000
 UP BOUND     c65       9000
 UP BOUND     c66       600
 UP BOUND     c67       1000
 LO BOUND     c68       1500
 UP BOUND     c68       3000
 UP BOUND     c69       2500
 UP BOUND     c70       16600
 UP BOUND     c71       200
 UP BOUND     c72       45
 UP BOUND     c73       275
 UP BOUND     c74       2500
 UP BOUND     c75       3000
 FX BOUND     c76       0
 UP BOUND     c77       55
 UP BOUND     c78       1500
 UP BOUND     c79       2500
 FX BOUND     c80       0
 UP BOUND     c81       300
 UP BOUND     c82       3000
 UP BOUND     c83       2500
 UP BOUND     c84       10
 UP BOUND     c85       2500
 UP BOUND     c86       3000
 FX BOUND     c87       0
 UP BOUND     c88       250
 UP BOUND     c89       55
 UP BOUND     c90       1500
 UP BOUND     c91       2500
 FX BOUND     c92       0
 UP BOUND     c93       600
 UP BOUND     c94       3000
 UP BOUND     c95       2500
 UP BOUND     c96       45
 UP BOUND     c97       10
 UP BOUND     c98       2500
 UP BOUND     c99       3000
 UP BOUND     c100      50
 UP BOUND     c101      250
 UP BOUND     c102      165
 UP BOUND     c103      1500
 UP BOUND     c104      2500
 UP BOUND     c105      500
 UP BOUND     c106      600
 UP BOUND     c107      3000
 UP BOUND     c108      2500
 UP BOUND     c109      45
 UP BOUND     c110      30
 FX BOUND     c111      0
 FX BOUND     c112      0
 UP BOUND     c113      6300
 UP BOUND     c114      200
 UP BOUND     c115      200
 UP BOUND     c116      600
 FX BOUND     c117      0
 FX BOUND     c118      0
 UP BOUND     c119      5000
 UP BOUND     c120      2470
 UP BOUND     c121      2470
 UP BOUND     c122      7470
 UP BOUND     c123      40
 UP BOUND     c124      40
 UP BOUND     c125      120
 FX BOUND     c126      0
 FX BOUND     c127      0
 UP BOUND     c128      6300
 UP BOUND     c129      200
 UP BOUND     c130      200
 UP BOUND     c131      612
 FX BOUND     c132      0
 FX BOUND     c133      0
 UP BOUND     c134      5000
 UP BOUND     c135      2470
 UP BOUND     c136      2470
 UP BOUND     c137      7670
 UP BOUND     c138      40
 UP BOUND     c139      40
 UP BOUND     c140      122
 FX BOUND     c141      0
 FX BOUND     c142      0
 UP BOUND     c143      6300
 UP BOUND     c144      200
 UP BOUND     c145      200
 UP BOUND     c146      624
 FX BOUND     c147      0
 FX BOUND     c148      0
 UP BOUND     c149      5000
 UP BOUND     c150      2470
 UP BOUND     c151      2470
 UP BOUND     c152      7880
 UP BOUND     c153      40
 UP BOUND     c154      40
 UP BOUND     c155      124
 FX BOUND     c156      0
 UP BOUND     c157      200
 FX BOUND     c158      0
 UP BOUND     c159      2470
 UP BOUND     c160      40
 FX BOUND     c161      0
 UP BOUND     c162      200
 FX BOUND     c163      0
 UP BOUND     c164      2470
 UP BOUND     c165      40
 FX BOUND     c166      0
 UP BOUND     c167      200
 FX BOUND     c168      0
 UP BOUND     c169      2470
 UP BOUND     c170      40
 UP BOUND     c171      65
 UP BOUND     c172      820
 UP BOUND     c173      13
QUADOBJ
    c0        c0        500.00000000000006
    c1        c1        1
    c2        c2        500.00000000000006
    c3        c3        1
    c4        c4        130
    c5        c5        1
    c6        c6        2000.0000000000002
    c7        c7        1
    c8        c8        1.76
    c9        c9        2.6000000000000001
    c10       c10       2.3000000000000003
    c11       c11       1
    c12       c12       500
    c13       c13       310
    c14       c14       500
    c15       c15       1
    c16       c16       1
    c17       c17       1.9000000000000001
    c18       c18       1.4000000000000001
    c19       c19       1
    c20       c20       130
    c21       c21       120
    c22       c22       170
    c23       c23       122
    c24       c24       130
    c25       c25       126
    c26       c26       1
    c27       c27       950
    c28       c28       2000
    c29       c29       1
    c30       c30       1.76
    c31       c31       2.6000000000000001
    c32       c32       2.3000000000000003
    c33       c33       1
    c34       c34       500
    c35       c35       310
    c36       c36       520
    c37       c37       500
    c38       c38       1
    c39       c39       1
    c40       c40       1.9000000000000001
    c41       c41       1.4000000000000001
    c42       c42       1
    c43       c43       130
    c44       c44       119.99999999999999
    c45       c45       170
    c46       c46       122
    c47       c47       130
    c48       c48       126
    c49       c49       1
    c50       c50       949.99999999999989
    c51       c51       2100
    c52       c52       2000
    c53       c53       1
    c54       c54       1.76
    c55       c55       2.6000000000000001
    c56       c56       2.3000000000000003
    c57       c57       1
    c58       c58       310
    c59       c59       520
    c60       c60       1
    c61       c61       1
    c62       c62       1.9000000000000001
    c63       c63       1.4000000000000001
    c64       c64       1
    c65       c65       120
    c66       c66       170
    c67       c67       121.99999999999999
    c68       c68       130
    c69       c69       126.00000000000001
    c70       c70       1
    c71       c71       950
    c72       c72       2100
    c73       c73       1
    c74       c74       5.2000000000000002
    c75       c75       4.6000000000000005
    c76       c76       1100
    c77       c77       1100
    c78       c78       3.8000000000000003
    c79       c79       2.8000000000000003
    c80       c80       190
    c81       c81       190
    c82       c82       190
    c83       c83       190
    c84       c84       4000.0000000000005
    c85       c85       5.2000000000000002
    c86       c86       4.6000000000000005
    c87       c87       1100
    c88       c88       1100
    c89       c89       1100
    c90       c90       3.8000000000000003
    c91       c91       2.8000000000000003
    c92       c92       190
    c93       c93       190
    c94       c94       190
    c95       c95       190
    c96       c96       4000
    c97       c97       4000
    c111      c111      1
    c112      c112      1
    c113      c113      14.999999999999998
    c114      c114      1
    c115      c115      1
    c116      c116      2500
    c117      c117      1
    c118      c118      1
    c119      c119      10
    c120      c120      1
    c121      c121      1
    c122      c122      400
    c123      c123      1
    c124      c124      1
    c125      c125      8000.0000000000009
    c126      c126      1
    c127      c127      1
    c128      c128      15
    c129      c129      1
    c130      c130      1
    c131      c131      2500
    c132      c132      1
    c133      c133      1
    c134      c134      10
    c135      c135      1
    c136      c136      1
    c137      c137      400
    c138      c138      1
    c139      c139      1
    c140      c140      8000
    c156      c156      1
    c157      c157      31.000000000000004
    c158      c158      1
    c159      c159      13
    c160      c160      95
    c161      c161      1
    c162      c162      31
    c163      c163      1
    c164      c164      13
    c165      c165      95
ENDATA
