/* A stand-in for JCore's native library: a JNI export in the cn.jiguang
 * package, as the real libjcore*.so has, so native-side detection has a real
 * ELF shared object to read. */
typedef void *jobject;
typedef void *JNIEnv;
int Java_cn_jiguang_jni_NativeUtils_getStatus(JNIEnv *env, jobject self) {
    (void)env;
    (void)self;
    return 1;
}
