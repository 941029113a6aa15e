#ifndef NM_CCURL_SHIM_H
#define NM_CCURL_SHIM_H

#include <curl/curl.h>

// Typed wrappers for libcurl's variadic functions, which Swift cannot call.
// One shim per argument type; every name carries the `nm_` prefix.

// MARK: - global

static inline CURLcode nm_curl_global_init_default(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

/// The running libcurl's version as 0xXXYYZZ (e.g. 0x075801 for 7.88.1).
static inline unsigned int nm_curl_version_num(void) {
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    return info ? info->version_num : 0;
}

// MARK: - curl_easy_setopt

static inline CURLcode nm_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode nm_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode nm_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode nm_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode nm_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// Signature shared by CURLOPT_WRITEFUNCTION, CURLOPT_READFUNCTION and CURLOPT_HEADERFUNCTION.
typedef size_t (*nm_curl_data_callback)(char *buffer, size_t size, size_t nitems, void *userdata);

/// Signature of CURLOPT_SEEKFUNCTION.
typedef int (*nm_curl_seek_callback)(void *userdata, curl_off_t offset, int origin);

static inline CURLcode nm_curl_easy_setopt_write_function(CURL *handle, nm_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

static inline CURLcode nm_curl_easy_setopt_read_function(CURL *handle, nm_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

static inline CURLcode nm_curl_easy_setopt_header_function(CURL *handle, nm_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

static inline CURLcode nm_curl_easy_setopt_seek_function(CURL *handle, nm_curl_seek_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, callback);
}

// MARK: - curl_easy_getinfo

static inline CURLcode nm_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode nm_curl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode nm_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode nm_curl_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode nm_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

// MARK: - curl_multi_setopt

static inline CURLMcode nm_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

// MARK: - CURLMsg (its result sits in an anonymous union)

static inline CURLcode nm_curl_msg_result(const CURLMsg *message) {
    return message->data.result;
}

#endif
